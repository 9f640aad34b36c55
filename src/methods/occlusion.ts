/**
 * Occlusion (Zeiler & Fergus): slide a patch over the input, replace what it covers, and
 * measure how much the target score drops. Every occluded input goes through the same
 * batched forward pass, so the cost is one forward per patch and image, nothing more.
 */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { gaussianBlur } from '../image/blur.js';
import { normalizeItems } from './maps.js';
import { callSize, explainedItems, forwardBatchSize, itemsByImage, seedScore, type ExplainedItems, type TargetOptions } from './method-skeleton.js';
import { forward, itemShapeOf, targetPass } from './passes.js';
import { gatherItems } from './targets.js';

/** A unit whose activation is the score: the mean of `channel` of `layer`, or its value at (`y`, `x`). */
export interface OcclusionUnit {
  layer: string;
  channel: number;
  y?: number;
  x?: number;
}

/** What an occluded patch holds: 0, a constant, each channel's image mean, or the Gaussian-blurred image. */
export type OcclusionFill = 'zero' | 'mean' | 'blur' | number;

export interface OcclusionOptions extends TargetOptions {
  /** Patch size in input pixels, square or `[height, width]`; default 8. */
  patch?: number | [number, number];
  /** Step between patches; default the patch size (patches tile the input). */
  stride?: number | [number, number];
  /** Values are in the model's input space (after preprocessing); default `'zero'`. */
  fill?: OcclusionFill;
  /** Gaussian sigma in pixels for `fill: 'blur'`; default half the longer patch side. */
  blurSigma?: number;
  /** Score a unit of a layer instead of a target output (`target` and `output` are then ignored). */
  unit?: OcclusionUnit;
  /** Occluded inputs built and run per forward call; default what the memory budget allows. */
  batchSize?: number;
}

export interface OcclusionResult extends ExplainedItems {
  /** `[M, gridH, gridW]` score drop (original − occluded) for the patch at each grid cell. */
  raw: FloatTensor;
  /**
   * `[M, H, W]`: each pixel the mean drop of the patches covering it (0 where no patch
   * reaches, when the stride leaves a border), each item scaled to [0, 1].
   */
  map: FloatTensor;
}

const MAX_BATCH = 64;

export interface Geometry { ph: number; pw: number; sh: number; sw: number; gridH: number; gridW: number }

function sizePair(value: number | [number, number], name: string): [number, number] {
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isInteger(v) && v > 0)) {
    throw new ConvlensError('BAD_OPTION', `Occlusion ${name} must be a positive integer or [height, width] of them, got ${JSON.stringify(value)}.`);
  }
  return [pair[0], pair[1]];
}

export function geometry(H: number, W: number, options: OcclusionOptions): Geometry {
  const [ph, pw] = sizePair(options.patch ?? 8, 'patch');
  const [sh, sw] = sizePair(options.stride ?? [ph, pw], 'stride');
  if (ph > H || pw > W) {
    throw new ConvlensError('BAD_OPTION',
      `The occlusion patch is ${ph}x${pw} pixels but the model input is ${H}x${W}; use a patch of at most ${H}x${W} (e.g. patch: ${Math.max(1, Math.floor(Math.min(H, W) / 8))}).`);
  }
  return { ph, pw, sh, sw, gridH: Math.floor((H - ph) / sh) + 1, gridW: Math.floor((W - pw) / sw) + 1 };
}

/** For each image, the `[C, H, W]` values an occluded patch copies from. */
function fillSources(x: FloatTensor, fill: OcclusionFill, sigma: number): Float32Array[] {
  const [N, C, H, W] = x.shape;
  const plane = H * W;
  const item = (n: number) => x.data.subarray(n * C * plane, (n + 1) * C * plane);
  if (fill === 'zero' || typeof fill === 'number') {
    if (typeof fill === 'number' && !Number.isFinite(fill)) {
      throw new ConvlensError('BAD_OPTION', `A numeric occlusion fill must be finite, got ${fill}.`);
    }
    // One shared array: constant fills are the same for every image.
    return new Array(N).fill(new Float32Array(C * plane).fill(fill === 'zero' ? 0 : fill));
  }
  if (fill === 'blur') {
    if (!(sigma > 0)) throw new ConvlensError('BAD_OPTION', `blurSigma must be a positive number of pixels, got ${sigma}.`);
    const blurred = gaussianBlur(x, sigma, 'replicate');
    return Array.from({ length: N }, (_, n) => blurred.data.subarray(n * C * plane, (n + 1) * C * plane));
  }
  if (fill === 'mean') {
    return Array.from({ length: N }, (_, n) => {
      const src = item(n);
      const out = new Float32Array(C * plane);
      for (let c = 0; c < C; c++) out.fill(src.subarray(c * plane, (c + 1) * plane).reduce((a, b) => a + b, 0) / plane, c * plane, (c + 1) * plane);
      return out;
    });
  }
  throw new ConvlensError('BAD_OPTION', `Unknown occlusion fill ${JSON.stringify(fill)}; use "zero", "mean", "blur" or a number.`);
}

/**
 * Occluded inputs `[start, start + count)`, numbered image by image, patch by patch in
 * row-major grid order, then zero items up to `items`.
 */
function occludedBatch(x: FloatTensor, sources: Float32Array[], g: Geometry, start: number, count: number, items: number): FloatTensor {
  const [, C, H, W] = x.shape;
  const size = C * H * W;
  const patches = g.gridH * g.gridW;
  const data = new Float32Array(items * size);
  for (let k = 0; k < count; k++) {
    const n = Math.floor((start + k) / patches);
    const p = (start + k) % patches;
    const y0 = Math.floor(p / g.gridW) * g.sh;
    const x0 = (p % g.gridW) * g.sw;
    data.set(x.data.subarray(n * size, (n + 1) * size), k * size);
    for (let c = 0; c < C; c++) {
      for (let y = y0; y < y0 + g.ph; y++) {
        const at = c * H * W + y * W + x0;
        data.set(sources[n].subarray(at, at + g.pw), k * size + at);
      }
    }
  }
  return { data, shape: [items, C, H, W] };
}

interface ResolvedUnit { tensor: string; itemSize: number; start: number; count: number }

function resolveUnit(model: ConvlensModel, unit: OcclusionUnit): ResolvedUnit {
  const tensor = model.resolveLayer(unit.layer);
  const shape = itemShapeOf(model, tensor);
  const itemSize = shape.reduce((a, b) => a * b, 1);
  const plane = itemSize / shape[0];
  if (!Number.isInteger(unit.channel) || unit.channel < 0 || unit.channel >= shape[0]) {
    throw new ConvlensError('BAD_OPTION', `Unit channel ${unit.channel} is out of range: layer "${unit.layer}" has ${shape[0]} channels (0 to ${shape[0] - 1}).`);
  }
  if (unit.y === undefined && unit.x === undefined) return { tensor, itemSize, start: unit.channel * plane, count: plane };
  const [h, w] = shape.slice(1);
  const inside = (v: number | undefined, n: number) => Number.isInteger(v) && v! >= 0 && v! < n;
  if (shape.length !== 3 || !inside(unit.y, h) || !inside(unit.x, w)) {
    throw new ConvlensError('BAD_OPTION',
      `Unit position (y ${unit.y}, x ${unit.x}) does not fit layer "${unit.layer}" of shape [${shape.join(', ')}]; give both y and x inside a spatial [C, h, w] layer, or neither to use the channel mean.`);
  }
  return { tensor, itemSize, start: unit.channel * plane + unit.y! * w + unit.x!, count: 1 };
}

/** Mean of the unit's elements in each item of a tapped layer tensor. */
function unitScores(t: FloatTensor, u: ResolvedUnit): Float32Array {
  const items = t.shape[0];
  const out = new Float32Array(items);
  for (let i = 0; i < items; i++) {
    let s = 0;
    for (let j = 0; j < u.count; j++) s += t.data[i * u.itemSize + u.start + j];
    out[i] = s / u.count;
  }
  return out;
}

/** `[M, H, W]`: each pixel the mean of the drops of the patches covering it, normalized per item. */
function coverageMap(raw: FloatTensor, g: Geometry, H: number, W: number): FloatTensor {
  const M = raw.shape[0];
  const data = new Float32Array(M * H * W);
  const count = new Float32Array(H * W);
  for (let r = 0; r < g.gridH; r++) {
    for (let c = 0; c < g.gridW; c++) {
      for (let y = r * g.sh; y < r * g.sh + g.ph; y++) for (let x = c * g.sw; x < c * g.sw + g.pw; x++) count[y * W + x]++;
    }
  }
  for (let m = 0; m < M; m++) {
    const sum = data.subarray(m * H * W, (m + 1) * H * W);
    for (let r = 0; r < g.gridH; r++) {
      for (let c = 0; c < g.gridW; c++) {
        const d = raw.data[(m * g.gridH + r) * g.gridW + c];
        for (let y = r * g.sh; y < r * g.sh + g.ph; y++) for (let x = c * g.sw; x < c * g.sw + g.pw; x++) sum[y * W + x] += d;
      }
    }
    for (let i = 0; i < H * W; i++) if (count[i] > 0) sum[i] /= count[i];
  }
  return normalizeItems({ data, shape: [M, H, W] });
}

/**
 * Occluded inputs per forward call: what fits the memory budget, at most 64 (beyond 64, CPU
 * runs of the fixtures were no faster per image).
 */
export function defaultBatchSize(model: ConvlensModel, total: number): number {
  return forwardBatchSize(model, total, MAX_BATCH);
}

/**
 * Occlusion sensitivity: the drop of the target score (or of a unit's activation) when a
 * patch of the input is replaced, for every patch position on a strided grid.
 *
 * @example
 * const occ = await occlusion(model, x, { target: 281, patch: 16, stride: 8, fill: 'blur' });
 * occ.raw.shape; // [1, 27, 27]
 * const unit = await occlusion(model, x, { unit: { layer: 'layer4', channel: 12 }, patch: 32 });
 */
export async function occlusion(model: ConvlensModel, x: FloatTensor, options: OcclusionOptions = {}): Promise<OcclusionResult> {
  model.checkInput(x);
  const [N, , H, W] = x.shape;
  const g = geometry(H, W, options);
  const fill = options.fill ?? 'zero';
  const sources = fillSources(x, fill, options.blurSigma ?? Math.max(g.ph, g.pw) / 2);
  const unit = options.unit && resolveUnit(model, options.unit);
  const { signal } = options;

  // A unit is scored for itself: the target and output options do not apply.
  const pass = await targetPass(model, x, unit ? { signal } : options, unit ? [unit.tensor] : []);
  const { output, tensors: original } = pass;
  const targets = unit
    ? { image: Array.from({ length: N }, (_, n) => n), target: new Array<null>(N).fill(null), seeds: null }
    : pass.targets;
  const M = targets.image.length;
  const before = unit ? unitScores(original[unit.tensor], unit) : targets.image.map((n, m) => seedScore(targets.seeds!, m, original[output], n));

  const patches = g.gridH * g.gridW;
  const total = N * patches;
  const batchSize = forwardBatchSize(model, total, MAX_BATCH, options.batchSize);
  const raw = new Float32Array(M * patches);
  const itemsOf = itemsByImage(targets.image, N);
  for (let start = 0; start < total; start += batchSize) {
    const count = Math.min(batchSize, total - start);
    const out = await forward(model, occludedBatch(x, sources, g, start, count, callSize(start, count, batchSize)), unit ? [unit.tensor] : [output], {
      signal,
      onProgress: (done) => options.onProgress?.(start + Math.min(done, count), total),
    });
    const after = unit ? unitScores(out[unit.tensor], unit) : null;
    for (let k = 0; k < count; k++) {
      const n = Math.floor((start + k) / patches);
      const p = (start + k) % patches;
      for (const m of itemsOf[n]) raw[m * patches + p] = before[m] - (after ? after[k] : seedScore(targets.seeds!, m, out[output], k));
    }
  }
  const rawTensor = { data: raw, shape: [M, g.gridH, g.gridW] };
  return { raw: rawTensor, map: coverageMap(rawTensor, g, H, W), ...explainedItems(targets, gatherItems(original[output], targets.image)) };
}
