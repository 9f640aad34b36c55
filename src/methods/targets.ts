/**
 * Targets become seed vectors over the model output. The gradient graph differentiates
 * <seed, output>, so a class is a one-hot seed, a regression objective any weight vector,
 * and several classes for one image are several batch items, all in one run.
 */
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../image/types.js';

/**
 * What to explain:
 * - a class index, the same for every image;
 * - a list of class indices: each image is explained for every class listed;
 * - `'top1'` (default) or `'top3'`...: each image's own highest-scoring classes;
 * - `{ perImage: [3, 7] }`: one class per image;
 * - `{ weights: [...] }`: any weight vector over the output (regression, multi-output models),
 *   one for all images, or a list with one vector per image.
 */
export type Target = number | number[] | `top${number}` | { perImage: number[] } | { weights: ArrayLike<number> | ArrayLike<number>[] };

export interface ResolvedTargets {
  /** `[M, ...output item shape]` seed per explained item. */
  seeds: FloatTensor;
  /** For each explained item, the image it belongs to. */
  image: number[];
  /** For each explained item, its class, or null for a weight-vector target. */
  target: (number | null)[];
}

function topK(scores: Float32Array, k: number): number[] {
  return Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, k);
}

/** Whether resolving `target` needs the model's output first. */
export function needsScores(target: Target | undefined): boolean {
  return target === undefined || (typeof target === 'string' && /^top\d+$/.test(target));
}

function checkClass(c: number, outputs: number): void {
  if (!Number.isInteger(c) || c < 0 || c >= outputs) {
    throw new ConvlensError('BAD_TARGET',
      `Target class ${c} is out of range: the model has ${outputs} outputs, so a class is an integer from 0 to ${outputs - 1}.`);
  }
}

/**
 * Resolves a target for `images` inputs against an output with `outputShape` per item
 * (`scores` are the model outputs, needed for `top*` targets).
 */
export function resolveTargets(target: Target | undefined, images: number, outputShape: number[], scores?: FloatTensor): ResolvedTargets {
  const outputs = outputShape.reduce((a, b) => a * b, 1);
  const classesPerImage: number[][] = [];
  const t = target ?? 'top1';
  if (typeof t === 'object' && !Array.isArray(t) && 'weights' in t) {
    const perImage = Array.from(t.weights as ArrayLike<unknown>).every((v) => typeof v === 'object' && v !== null);
    const vectors = perImage ? Array.from(t.weights as ArrayLike<number>[], (v) => Array.from(v)) : new Array(images).fill(Array.from(t.weights as ArrayLike<number>));
    if (vectors.length !== images) {
      throw new ConvlensError('BAD_TARGET', `A per-image weights target needs one vector per image: ${images} vectors, got ${vectors.length}.`);
    }
    const data = new Float32Array(images * outputs);
    vectors.forEach((w: number[], i) => {
      if (w.length !== outputs || w.some((v) => !Number.isFinite(v))) {
        throw new ConvlensError('BAD_TARGET', `A weights target needs ${outputs} finite numbers (one per output value); got ${w.length}.`);
      }
      data.set(w, i * outputs);
    });
    return { seeds: { data, shape: [images, ...outputShape] }, image: Array.from({ length: images }, (_, i) => i), target: new Array(images).fill(null) };
  }
  if (typeof t === 'number') {
    for (let i = 0; i < images; i++) classesPerImage.push([t]);
  } else if (Array.isArray(t)) {
    if (t.length === 0) throw new ConvlensError('BAD_TARGET', 'The target list is empty; give at least one class index.');
    for (let i = 0; i < images; i++) classesPerImage.push([...t]);
  } else if (typeof t === 'object' && 'perImage' in t) {
    if (t.perImage.length !== images) {
      throw new ConvlensError('BAD_TARGET', `perImage lists ${t.perImage.length} classes for ${images} images; give exactly one class per image.`);
    }
    for (const c of t.perImage) classesPerImage.push([c]);
  } else if (typeof t === 'string' && /^top\d+$/.test(t)) {
    const k = Number(t.slice(3));
    if (k < 1 || k > outputs) throw new ConvlensError('BAD_TARGET', `"${t}" asks for ${k} classes but the model has ${outputs} outputs.`);
    if (!scores) throw new Error('top-k targets need the model scores');
    for (let i = 0; i < images; i++) classesPerImage.push(topK(scores.data.subarray(i * outputs, (i + 1) * outputs), k));
  } else {
    throw new ConvlensError('BAD_TARGET',
      `Unknown target ${JSON.stringify(t)}: use a class index, a list of indices, "top1", { perImage: [...] } or { weights: [...] }.`);
  }
  const image: number[] = [];
  const classes: number[] = [];
  classesPerImage.forEach((cs, i) => cs.forEach((c) => { checkClass(c, outputs); image.push(i); classes.push(c); }));
  const data = new Float32Array(image.length * outputs);
  classes.forEach((c, m) => { data[m * outputs + c] = 1; });
  return { seeds: { data, shape: [image.length, ...outputShape] }, image, target: classes };
}

/** Repeats batch items: item m of the result is item `index[m]` of `t`. */
export function gatherItems(t: FloatTensor, index: number[]): FloatTensor {
  const n = t.shape.slice(1).reduce((a, b) => a * b, 1);
  if (index.length === t.shape[0] && index.every((v, i) => v === i)) return t;
  const data = new Float32Array(index.length * n);
  index.forEach((src, m) => data.set(t.data.subarray(src * n, (src + 1) * n), m * n));
  return { data, shape: [index.length, ...t.shape.slice(1)] };
}
