/**
 * Gradients at many copies of each input (noisy for SmoothGrad, interpolated for integrated
 * gradients), made and summed a block at a time under the memory budget, so the number of
 * copies only costs time.
 */
import type { ReluRule } from '../autodiff/vjp.js';
import type { ProgressOptions } from '../engine/engine.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import type { TargetOptions } from './method-skeleton.js';
import { backward, targetPass } from './passes.js';
import { gatherItems, type ResolvedTargets } from './targets.js';

export interface TargetsOnInput {
  /** The model output the targets refer to. */
  output: string;
  targets: ResolvedTargets;
  /** Model outputs at the unmodified input, one item per explained item. */
  scores: FloatTensor;
}

/**
 * Resolves the target on the unmodified input. Every copy of an item is then seeded with that
 * item's seed, so `top1` means the class of the image itself, not of each noisy copy.
 */
export async function targetsOnInput(model: ConvlensModel, x: FloatTensor, options: TargetOptions): Promise<TargetsOnInput> {
  const { output, targets, tensors } = await targetPass(model, x, options, []);
  return { output, targets, scores: gatherItems(tensors[output], targets.image) };
}

/** Most copies per item (SmoothGrad samples, integrated-gradients steps) a call may ask for. */
export const MAX_COPIES = 1_000_000;

/** Refuses a copy count over {@link MAX_COPIES}, before anything is allocated for it. */
export function checkCopies(copies: number, what: string): void {
  if (copies > MAX_COPIES) {
    throw new ConvlensError('BAD_OPTION', `${what} is ${copies}, more than the limit of ${MAX_COPIES} per image; a few hundred are plenty in practice.`);
  }
}

/** How the copies of each explained item are made and weighted. */
export interface CopySpec {
  /** Copies per explained item. */
  copies: number;
  /** Writes copy `k` of explained item `m` into `out`; called in order of (m, k). */
  fill(m: number, k: number, out: Float32Array): void;
  /** Weight of copy `k`'s gradient in the item's sum. */
  weight(k: number): number;
  /** Square each gradient before the sum (SmoothGrad-Squared). */
  squared?: boolean;
}

/**
 * For each explained item m, the weighted sum over its copies of the target's input gradient
 * at the copy, `[M, C, H, W]`. Copies are made, run and summed a block at a time, so memory
 * does not grow with the number of copies: a block's copies and gradients stay within a
 * quarter of the memory budget (the engine splits each block's run further as it needs).
 */
export async function sumGradientsOverCopies(model: ConvlensModel, on: TargetsOnInput, spec: CopySpec, relu: ReluRule, progress: ProgressOptions): Promise<FloatTensor> {
  const seeds = on.targets.seeds;
  const M = seeds.shape[0];
  const outputs = seeds.data.length / M;
  const size = model.itemShape.reduce((a, b) => a * b, 1);
  const total = M * spec.copies;
  const blockRows = Math.max(1, Math.min(total, Math.floor(model.engine.runtime.memoryBudget / 4 / (2 * 4 * size))));
  const sums = new Float64Array(M * size);
  for (let start = 0; start < total; start += blockRows) {
    const rows = Math.min(blockRows, total - start);
    const inputs = new Float32Array(rows * size);
    const weights: Float32Array[] = [];
    for (let r = 0; r < rows; r++) {
      const m = Math.floor((start + r) / spec.copies);
      spec.fill(m, (start + r) % spec.copies, inputs.subarray(r * size, (r + 1) * size));
      weights.push(seeds.data.subarray(m * outputs, (m + 1) * outputs));
    }
    const g = (await backward(model, { data: inputs, shape: [rows, ...model.itemShape] }, {
      target: { weights }, output: on.output, relu, wrt: [model.inputName], signal: progress.signal,
      onProgress: progress.onProgress && ((done) => progress.onProgress!(start + done, total)),
    })).gradients[model.inputName].data;
    for (let r = 0; r < rows; r++) {
      const m = Math.floor((start + r) / spec.copies);
      const w = spec.weight((start + r) % spec.copies);
      if (w === 0) continue;
      const row = g.subarray(r * size, (r + 1) * size);
      const sum = sums.subarray(m * size, (m + 1) * size);
      if (spec.squared) for (let i = 0; i < size; i++) sum[i] += w * row[i] * row[i];
      else for (let i = 0; i < size; i++) sum[i] += w * row[i];
    }
  }
  return { data: Float32Array.from(sums), shape: [M, ...model.itemShape] };
}
