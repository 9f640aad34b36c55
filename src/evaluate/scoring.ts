/**
 * Scoring perturbed copies of the input: every metric builds many modified inputs per image
 * and needs the target's score on each. They are built a batch at a time into one buffer and
 * run through one forward call per batch, so a metric costs its forward passes and little else.
 */
import type { ProgressOptions } from '../engine/engine.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { callSize, type TargetOptions } from '../methods/method-skeleton.js';
import { defaultBatchSize } from '../methods/occlusion.js';
import { forward, targetPass } from '../methods/passes.js';
import { softmax } from '../numeric/softmax.js';

/** What a perturbed input is scored by: the target's softmax probability (RISE, ROAD) or its raw output. */
export type ScoreKind = 'probability' | 'logit';

/** `target`: one per image, a class index or name, `{ perImage: [...] }`, `{ weights }`, or `'top1'` (default). */
export interface ScoringOptions extends TargetOptions {
  /** Default `'probability'`. */
  score?: ScoreKind;
  /** Perturbed inputs per forward call; default what the memory budget allows, at most 64. */
  batchSize?: number;
}

/** Writes perturbed input `k` into `into` (one `[C, H, W]` item) and returns the image it belongs to. */
export type BuildInput = (k: number, into: Float32Array) => number;

export interface Scorer {
  /** Class scored for each image (null for a weights target). */
  target: (number | null)[];
  /** Score of each unmodified image. */
  original: Float64Array;
  /** Scores of `count` perturbed inputs, built by `build` in order k = 0, 1, ... */
  score(count: number, build: BuildInput, progress?: ProgressOptions): Promise<Float64Array>;
}

/**
 * Resolves one target per image on the unmodified input and returns a scorer for perturbed
 * copies of it.
 *
 * @example
 * const scorer = await targetScorer(model, x, { target: 'top1' });
 * const s = await scorer.score(10, (k, into) => { into.set(x.data.subarray(0, into.length)); return 0; });
 */
export async function targetScorer(model: ConvlensModel, x: FloatTensor, options: ScoringOptions = {}): Promise<Scorer> {
  model.checkInput(x);
  const kind = options.score ?? 'probability';
  if (kind !== 'probability' && kind !== 'logit') {
    throw new ConvlensError('BAD_OPTION', `Unknown score "${String(kind)}"; use "probability" (softmax of the output) or "logit" (the raw output).`);
  }
  const N = x.shape[0];
  const { output, targets, tensors } = await targetPass(model, x, options, []);
  const first = tensors[output];
  if (targets.image.length !== N) {
    throw new ConvlensError('BAD_TARGET', `Evaluation scores one target per image, but the target gives ${targets.image.length} for ${N} images; use one class, "top1" or { perImage: [...] }.`);
  }
  const k = targets.seeds.data.length / N;
  const seedScore = (outputs: Float32Array, row: number, n: number): number => {
    const values = outputs.subarray(row * k, (row + 1) * k);
    const p = kind === 'probability' ? softmax(values) : values;
    let s = 0;
    for (let j = 0; j < k; j++) s += targets.seeds.data[n * k + j] * p[j];
    return s;
  };
  const original = Float64Array.from({ length: N }, (_, n) => seedScore(first.data, n, n));
  const itemSize = model.itemShape.reduce((a, b) => a * b, 1);

  async function score(count: number, build: BuildInput, progress: ProgressOptions = {}): Promise<Float64Array> {
    const batchSize = options.batchSize ?? defaultBatchSize(model, count);
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConvlensError('BAD_OPTION', `batchSize must be a positive integer, got ${batchSize}.`);
    const scores = new Float64Array(count);
    const buffer = new Float32Array(Math.min(batchSize, count) * itemSize);
    const images = new Int32Array(Math.min(batchSize, count));
    for (let start = 0; start < count; start += batchSize) {
      const size = Math.min(batchSize, count - start);
      for (let j = 0; j < size; j++) images[j] = build(start + j, buffer.subarray(j * itemSize, (j + 1) * itemSize));
      // Items past `size` in a padded last call are the previous call's, scored and ignored.
      const items = callSize(start, size, batchSize);
      const batch = { data: items * itemSize === buffer.length ? buffer : buffer.subarray(0, items * itemSize), shape: [items, ...model.itemShape] };
      const out = (await forward(model, batch, [output], { signal: progress.signal ?? options.signal }))[output];
      for (let j = 0; j < size; j++) scores[start + j] = seedScore(out.data, j, images[j]);
      (progress.onProgress ?? options.onProgress)?.(start + size, count);
    }
    return scores;
  }

  return { target: targets.target, original, score };
}
