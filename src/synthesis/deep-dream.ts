/**
 * Deep dream: a real picture pushed up the gradient of a layer's (or a channel's) activation,
 * octave by octave through an image pyramid, the detail each octave adds carried up to the
 * next, with a random circular jitter at every step.
 */
import type { ProgressOptions } from '../engine/engine.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { seededUint32 } from '../numeric/seeded-random.js';
import { imagesOf } from './image-frames.js';
import { channelMap, toModelInput, toModelInputAdjoint } from './model-input.js';
import { objectiveGradient } from './objective-graph.js';
import { resolveObjective, type Objective } from './objectives.js';
import { checkInputSize } from './visualize.js';

export interface DreamOptions extends ProgressOptions {
  /** The layer whose mean squared activation rises (ignored when `objective` is given). */
  layer?: string;
  /** Any objective instead, e.g. `channel:layer3:12`. */
  objective?: Objective;
  /** Pyramid levels (default 4). */
  octaves?: number;
  /** Size ratio between levels (default 1.4). */
  scale?: number;
  /** Ascent steps per octave (default 20). */
  steps?: number;
  /** Step size in [0, 1] pixel units, applied to the gradient divided by its mean magnitude (default 0.01). */
  lr?: number;
  /** Largest circular shift in pixels at each step (default 32 at a 224-pixel side, in proportion). */
  jitter?: number;
  seed?: number;
}

export interface DreamResult {
  /** The dreamed picture, `[1, C, H, W]` in [0, 1], the size of the input picture. */
  image: FloatTensor;
  picture: RgbImage;
  /** Per octave, smallest first: its `[height, width]` and the objective before and after its steps. */
  octaves: { size: [number, number]; before: number; after: number }[];
}

/** Bilinear resize (half-pixel centres) of every plane of a `[1, C, H, W]` tensor. */
function resizePlanes(t: FloatTensor, h: number, w: number): FloatTensor {
  const [, C, H, W] = t.shape;
  const out = new Float32Array(C * h * w);
  const axis = (n: number, from: number) => Array.from({ length: n }, (_, i) => {
    const p = Math.min(from - 1, Math.max(0, ((i + 0.5) * from) / n - 0.5));
    const i0 = Math.floor(p);
    return [i0, Math.min(from - 1, i0 + 1), p - i0] as const;
  });
  const ys = axis(h, H), xs = axis(w, W);
  for (let c = 0; c < C; c++) {
    const src = t.data.subarray(c * H * W, (c + 1) * H * W);
    for (let y = 0; y < h; y++) {
      const [y0, y1, fy] = ys[y];
      for (let x = 0; x < w; x++) {
        const [x0, x1, fx] = xs[x];
        const top = src[y0 * W + x0] * (1 - fx) + src[y0 * W + x1] * fx;
        const bottom = src[y1 * W + x0] * (1 - fx) + src[y1 * W + x1] * fx;
        out[c * h * w + y * w + x] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return { data: out, shape: [1, C, h, w] };
}

/** Circular shift of every plane by (dy, dx); the shift by (-dy, -dx) undoes it exactly. */
function roll(data: Float32Array, C: number, H: number, W: number, dy: number, dx: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < H; y++) {
      const ty = (((y + dy) % H) + H) % H;
      for (let x = 0; x < W; x++) out[c * H * W + ty * W + ((((x + dx) % W) + W) % W)] = data[c * H * W + y * W + x];
    }
  }
  return out;
}

/** `[1, C, H, W]` in [0, 1] from a picture, grey (the mean of R, G, B) for one-channel models. */
function pictureTensor(picture: RgbImage, channels: number): FloatTensor {
  const plane = picture.width * picture.height;
  const data = new Float32Array(channels * plane);
  for (let c = 0; c < channels; c++) {
    for (let p = 0; p < plane; p++) {
      const rgb = picture.data.subarray(p * 3, p * 3 + 3);
      data[c * plane + p] = (channels === 3 ? rgb[c] : (rgb[0] + rgb[1] + rgb[2]) / 3) / 255;
    }
  }
  return { data, shape: [1, channels, picture.height, picture.width] };
}

function positive(value: number, name: string, integer: boolean): number {
  if (!Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw new ConvlensError('BAD_OPTION', `${name} must be a ${integer ? 'whole ' : ''}number greater than 0, got ${String(value)}.`);
  }
  return value;
}

/**
 * Dreams `picture` into what `layer` (or `objective`) responds to.
 *
 * @example
 * const dream = await deepDream(model, await loadImage('cat.jpg'), { layer: 'layer3', octaves: 4, scale: 1.4, steps: 20 });
 * dream.picture;   // the same size as cat.jpg
 * dream.octaves;   // the objective before and after each octave
 */
export async function deepDream(model: ConvlensModel, picture: RgbImage, options: DreamOptions = {}): Promise<DreamResult> {
  const octaves = positive(options.octaves ?? 4, 'octaves', true);
  const scale = positive(options.scale ?? 1.4, 'scale', false);
  const steps = positive(options.steps ?? 20, 'steps', true);
  const lr = positive(options.lr ?? 0.01, 'lr', false);
  if (options.objective === undefined && !options.layer) throw new ConvlensError('BAD_OPTION', 'Deep dream needs a layer (or an objective such as channel:layer3:12).');
  const objective = options.objective ?? { kind: 'layer', layer: options.layer! };
  const [C] = model.itemShape;
  const { width: W, height: H } = picture;
  const sizes = Array.from({ length: octaves }, (_, i) => [Math.round(H / scale ** (octaves - 1 - i)), Math.round(W / scale ** (octaves - 1 - i))] as [number, number]);
  for (const [h, w] of sizes) checkInputSize(model, [h, w]);
  const map = channelMap(model);
  const next = seededUint32(options.seed ?? 0);
  const jitter = options.jitter ?? Math.max(1, Math.round((32 * Math.min(H, W)) / 224));
  const base = pictureTensor(picture, C);
  const result: DreamResult['octaves'] = [];
  let detail: FloatTensor | null = null;
  let img = base;
  let done = 0;
  for (const [h, w] of sizes) {
    const terms = resolveObjective(model, objective, [C, h, w]);
    const evaluate = async (t: FloatTensor) => objectiveGradient(model, terms, toModelInput(t, [null], map, [h, w]), { signal: options.signal });
    const octaveBase = resizePlanes(base, h, w);
    const data = octaveBase.data.slice();
    if (detail) {
      const d = resizePlanes(detail, h, w).data;
      for (let i = 0; i < data.length; i++) data[i] = Math.min(1, Math.max(0, data[i] + d[i]));
    }
    img = { data, shape: [1, C, h, w] };
    const before = (await evaluate(img)).values[0];
    for (let s = 0; s < steps; s++) {
      const dy = (next() % (2 * jitter + 1)) - jitter, dx = (next() % (2 * jitter + 1)) - jitter;
      const shifted = { data: roll(img.data, C, h, w, dy, dx), shape: img.shape };
      const { gradient } = await evaluate(shifted);
      const g = roll(toModelInputAdjoint(gradient, [null], map, [h, w]), C, h, w, -dy, -dx);
      let mean = 0;
      for (const v of g) mean += Math.abs(v);
      mean /= g.length;
      const k = lr / (mean + 1e-12);
      for (let i = 0; i < g.length; i++) img.data[i] = Math.min(1, Math.max(0, img.data[i] + k * g[i]));
      options.onProgress?.(++done, steps * octaves);
    }
    result.push({ size: [h, w], before, after: (await evaluate(img)).values[0] });
    detail = { data: img.data.map((v, i) => v - octaveBase.data[i]), shape: img.shape };
  }
  return { image: img, picture: imagesOf(img)[0], octaves: result };
}
