/**
 * Robustness transformations for feature visualization: padding, jitter, random scale and
 * random rotation in the order and with the defaults of the Distill "Feature Visualization"
 * recipe, composed into one affine map and applied by bilinear sampling. The sampling is
 * linear in the image, so its exact adjoint (the same taps, scattered) carries gradients back.
 */
import { ConvlensError } from '../errors.js';
import { seededUint32 } from '../numeric/seeded-random.js';

/** Amounts in pixels at a 224-pixel side; other sizes scale them in proportion. */
export interface TransformSpec {
  pad: number;
  jitter: number;
  scales: readonly number[];
  degrees: readonly number[];
  finalJitter: number;
}

/** Pad 12, jitter 8, scale 0.9-1.1 in steps of 0.02, rotation -10..10 degrees (0 five more times), jitter 4. */
export const standardTransforms: TransformSpec = {
  pad: 12,
  jitter: 8,
  scales: Array.from({ length: 11 }, (_, i) => 1 + (i - 5) / 50),
  degrees: [...Array.from({ length: 21 }, (_, i) => i - 10), 0, 0, 0, 0, 0],
  finalJitter: 4,
};

export const noTransforms: TransformSpec = { pad: 0, jitter: 0, scales: [1], degrees: [0], finalJitter: 0 };

/** One drawn transformation of one item, in pixels of the image it applies to. */
export interface TransformDraw {
  pad: number;
  jitter: [number, number];
  offset: [number, number];
  scale: number;
  degrees: number;
  finalJitter: [number, number];
  finalOffset: [number, number];
}

/** Where each output pixel reads: four source indices (-1 outside the image) and their weights. */
export interface SamplingTable {
  index: Int32Array;
  weight: Float32Array;
  /** `[H, W]` of the source image and `[h, w]` of the output. */
  source: [number, number];
  target: [number, number];
}

const pick = <T>(next: () => number, list: readonly T[]): T => list[next() % list.length];

/** Pixel amounts of `spec` for an image side of `side` pixels. */
function scaled(amount: number, side: number): number {
  return amount === 0 ? 0 : Math.max(1, Math.round((amount * side) / 224));
}

/**
 * Draws one transformation per item from a seeded stream: `next` is a `seededUint32` stream
 * owned by the caller, so a run draws the same sequence every time.
 */
export function drawTransforms(next: () => number, count: number, spec: TransformSpec, size: [number, number]): TransformDraw[] {
  const side = Math.min(size[0], size[1]);
  const pad = scaled(spec.pad, side);
  const j = scaled(spec.jitter, side);
  const fj = scaled(spec.finalJitter, side);
  return Array.from({ length: count }, () => ({
    pad,
    jitter: [j, j] as [number, number],
    offset: [next() % (j + 1), next() % (j + 1)] as [number, number],
    scale: pick(next, spec.scales),
    degrees: pick(next, spec.degrees),
    finalJitter: [fj, fj] as [number, number],
    finalOffset: [next() % (fj + 1), next() % (fj + 1)] as [number, number],
  }));
}

/** A seeded stream for transformation draws. */
export function transformStream(seed: number): () => number {
  return seededUint32(seed);
}

/**
 * The sampling table of one draw: output pixel (u, v) of a `target` frame reads the source
 * image at the position the inverse of pad, crop, scale, rotation, crop and centring gives.
 */
export function samplingTable(draw: TransformDraw, source: [number, number], target: [number, number]): SamplingTable {
  const [H, W] = source;
  const [h, w] = target;
  // Canvas sizes per axis (0: rows, 1: columns) after each step.
  const c1 = [H + 2 * draw.pad - draw.jitter[0], W + 2 * draw.pad - draw.jitter[1]];
  const c2 = c1.map((c) => Math.max(1, Math.round(c * draw.scale)));
  const c4 = [c2[0] - draw.finalJitter[0], c2[1] - draw.finalJitter[1]];
  const centre = c2.map((c) => (c - 1) / 2);
  const theta = (draw.degrees * Math.PI) / 180;
  const cos = Math.cos(theta), sin = Math.sin(theta);
  const index = new Int32Array(h * w * 4).fill(-1);
  const weight = new Float32Array(h * w * 4);
  for (let u = 0; u < h; u++) {
    for (let v = 0; v < w; v++) {
      const q3r = u - (h - c4[0]) / 2 + draw.finalOffset[0] - centre[0];
      const q3c = v - (w - c4[1]) / 2 + draw.finalOffset[1] - centre[1];
      // Inverse rotation about the canvas centre.
      const q2r = cos * q3r - sin * q3c + centre[0];
      const q2c = sin * q3r + cos * q3c + centre[1];
      const y = (q2r + 0.5) * (c1[0] / c2[0]) - 0.5 + draw.offset[0] - draw.pad;
      const x = (q2c + 0.5) * (c1[1] / c2[1]) - 0.5 + draw.offset[1] - draw.pad;
      const y0 = Math.floor(y), x0 = Math.floor(x);
      const fy = y - y0, fx = x - x0;
      const k = (u * w + v) * 4;
      weight[k] = (1 - fy) * (1 - fx);
      weight[k + 1] = (1 - fy) * fx;
      weight[k + 2] = fy * (1 - fx);
      weight[k + 3] = fy * fx;
      const top = y0 >= 0 && y0 < H, bottom = y0 + 1 >= 0 && y0 + 1 < H;
      const left = x0 >= 0 && x0 < W, right = x0 + 1 >= 0 && x0 + 1 < W;
      if (top && left) index[k] = y0 * W + x0;
      if (top && right) index[k + 1] = y0 * W + x0 + 1;
      if (bottom && left) index[k + 2] = (y0 + 1) * W + x0;
      if (bottom && right) index[k + 3] = (y0 + 1) * W + x0 + 1;
    }
  }
  return { index, weight, source, target };
}

/**
 * Samples every channel of one `[C, H, W]` image through a table; taps outside the image
 * read `fill` (the padding colour).
 */
export function sampleImage(image: Float32Array, channels: number, table: SamplingTable, fill: number): Float32Array {
  const [H, W] = table.source;
  const [h, w] = table.target;
  const out = new Float32Array(channels * h * w);
  for (let c = 0; c < channels; c++) {
    const src = c * H * W, dst = c * h * w;
    for (let p = 0; p < h * w; p++) {
      let s = 0;
      for (let t = p * 4; t < p * 4 + 4; t++) {
        const i = table.index[t];
        s += table.weight[t] * (i >= 0 ? image[src + i] : fill);
      }
      out[dst + p] = s;
    }
  }
  return out;
}

/** The adjoint of {@link sampleImage} for the image: output gradients scattered back to the taps. */
export function sampleImageAdjoint(grad: Float32Array, channels: number, table: SamplingTable): Float32Array {
  const [H, W] = table.source;
  const [h, w] = table.target;
  const out = new Float32Array(channels * H * W);
  for (let c = 0; c < channels; c++) {
    const src = c * H * W, dst = c * h * w;
    for (let p = 0; p < h * w; p++) {
      const g = grad[dst + p];
      for (let t = p * 4; t < p * 4 + 4; t++) {
        const i = table.index[t];
        if (i >= 0) out[src + i] += table.weight[t] * g;
      }
    }
  }
  return out;
}

/** Reads `standard`, `none` or a spec object; throws `BAD_OPTION` for anything else. */
export function resolveTransforms(choice: 'standard' | 'none' | TransformSpec | undefined): TransformSpec {
  if (choice === undefined || choice === 'standard') return standardTransforms;
  if (choice === 'none') return noTransforms;
  if (typeof choice === 'object' && choice && Array.isArray(choice.scales) && choice.scales.length > 0 && Array.isArray(choice.degrees) && choice.degrees.length > 0) return choice;
  throw new ConvlensError('BAD_OPTION', `Unknown transforms ${JSON.stringify(choice)}; use "standard", "none" or { pad, jitter, scales, degrees, finalJitter }.`);
}
