/**
 * Targets become seed vectors over the model output. The gradient graph differentiates
 * <seed, output>, so a class is a one-hot seed, a regression objective any weight vector,
 * and several classes for one image are several batch items, all in one run.
 */
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { closestNames } from '../onnx/layers.js';

/**
 * What to explain:
 * - a class index or a class name from the model's labels, the same for every image;
 * - a list of classes: each image is explained for every class listed (one batched run);
 * - `'top1'` (default) or `'top3'`...: each image's own highest-scoring classes;
 * - `'sum'`: the sum of all outputs (e.g. every sensor of a regression model);
 * - `{ perImage: [3, 7] }`: one class per image;
 * - `{ weights: [...] }`: any weight vector over the output (regression, multi-output models),
 *   one for all images, or a list with one vector per image.
 */
export type Target = number | string | (number | string)[] | { perImage: (number | string)[] } | { weights: ArrayLike<number> | ArrayLike<number>[] };

export interface TargetContext {
  images: number;
  /** Shape of one item of the output the target refers to. */
  outputShape: number[];
  /** Model outputs, needed for `top*` targets. */
  scores?: FloatTensor;
  /** Class names, for targets given by name. */
  labels?: readonly string[] | null;
}

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

export function classIndex(c: number | string, outputs: number, labels: readonly string[] | null | undefined): number {
  if (typeof c === 'string') {
    const i = labels?.indexOf(c) ?? -1;
    if (i >= 0) return i;
    if (/^\d+$/.test(c)) return classIndex(Number(c), outputs, labels);
    if (!labels) {
      throw new ConvlensError('BAD_TARGET', `Target "${c}" is a class name but the model has no labels; give a class index, or labels (loadModel option labels, --labels FILE, or convlens annotate).`);
    }
    const near = closestNames(c, labels);
    throw new ConvlensError('BAD_TARGET', `Target "${c}" is not one of the model's class names${near.length ? `; closest: ${near.map((n) => `"${n}"`).join(', ')}` : ''}.`);
  }
  if (!Number.isInteger(c) || c < 0 || c >= outputs) {
    throw new ConvlensError('BAD_TARGET',
      `Target class ${c} is out of range: the model has ${outputs} outputs, so a class is an integer from 0 to ${outputs - 1}.`);
  }
  return c;
}

/** Resolves a target into one seed per explained (image, target) item. */
export function resolveTargets(target: Target | undefined, context: TargetContext): ResolvedTargets {
  const { images, outputShape, scores, labels } = context;
  const outputs = outputShape.reduce((a, b) => a * b, 1);
  const classesPerImage: (number | string)[][] = [];
  const unknown = () => new ConvlensError('BAD_TARGET',
    `Unknown target ${String(JSON.stringify(target))}: use a class index or name, a list of them, "top1", "sum", { perImage: [...] } or { weights: [...] }, or leave it out for "top1".`);
  // null and other values a plain-JavaScript caller may pass are refused here, not deeper down.
  if (target === null || !['undefined', 'number', 'string', 'object'].includes(typeof target)) throw unknown();
  const t = target === 'sum' ? { weights: new Array(outputs).fill(1) } : (target ?? 'top1');
  if (typeof t === 'object' && !Array.isArray(t) && 'weights' in t) {
    if (t.weights === null || typeof t.weights !== 'object') throw unknown();
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
  if (typeof t === 'number' || (typeof t === 'string' && !/^top\d+$/.test(t))) {
    for (let i = 0; i < images; i++) classesPerImage.push([t]);
  } else if (Array.isArray(t)) {
    if (t.length === 0) throw new ConvlensError('BAD_TARGET', 'The target list is empty; give at least one class index.');
    for (let i = 0; i < images; i++) classesPerImage.push([...t]);
  } else if (typeof t === 'object' && 'perImage' in t) {
    if (!Array.isArray(t.perImage)) throw unknown();
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
    throw unknown();
  }
  const image: number[] = [];
  const classes: number[] = [];
  classesPerImage.forEach((cs, i) => cs.forEach((c) => { classes.push(classIndex(c, outputs, labels)); image.push(i); }));
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
