/**
 * Gradients at many copies of each input (noisy for SmoothGrad, interpolated for integrated
 * gradients), all in one batched backward run. The engine splits the run into chunks under
 * the memory budget, so the number of copies only costs time.
 */
import type { ReluRule } from '../autodiff/vjp.js';
import type { ProgressOptions } from '../engine/engine.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../image/types.js';
import { reluOf, type SaliencyRule } from './gradients.js';
import { backward, forward, itemShapeOf, selectOutput } from './passes.js';
import { gatherItems, resolveTargets, type ResolvedTargets, type Target } from './targets.js';

export interface CopiesOptions extends ProgressOptions {
  target?: Target;
  output?: string;
}

export interface TargetsOnInput {
  /** The model output the targets refer to. */
  output: string;
  targets: ResolvedTargets;
  /** Model outputs at the unmodified input, one item per explained item. */
  scores: FloatTensor;
}

/** The ReLU rule of the gradient graph for a saliency rule (default vanilla). */
export function reluOfSaliencyRule(rule: SaliencyRule = 'vanilla'): ReluRule {
  if (!Object.hasOwn(reluOf, rule)) {
    throw new ConvlensError('BAD_OPTION', `Unknown gradient rule "${rule}"; use vanilla, guided or deconvnet.`);
  }
  return reluOf[rule];
}

/**
 * Resolves the target on the unmodified input. Every copy of an item is then seeded with that
 * item's seed, so `top1` means the class of the image itself, not of each noisy copy.
 */
export async function targetsOnInput(model: ConvlensModel, x: FloatTensor, options: CopiesOptions): Promise<TargetsOnInput> {
  model.checkInput(x);
  const output = selectOutput(model, options.output);
  // Only the gradient run reports progress; a second counter would make it jump backwards.
  const scores = (await forward(model, x, [output], { signal: options.signal }))[output];
  const targets = resolveTargets(options.target, { images: x.shape[0], outputShape: itemShapeOf(model, output), scores, labels: model.labels });
  return { output, targets, scores: gatherItems(scores, targets.image) };
}

/**
 * Input gradients of `inputs`, `[M * copies, C, H, W]`, where rows `m * copies` to
 * `(m + 1) * copies - 1` are copies of explained item m and are seeded with its target.
 */
export async function gradientsOfCopies(
  model: ConvlensModel, inputs: FloatTensor, on: TargetsOnInput, copies: number, relu: ReluRule, progress: ProgressOptions,
): Promise<FloatTensor> {
  const seeds = on.targets.seeds;
  const n = seeds.data.length / seeds.shape[0];
  const weights = Array.from({ length: seeds.shape[0] * copies }, (_, k) => {
    const m = Math.floor(k / copies);
    return seeds.data.subarray(m * n, (m + 1) * n);
  });
  const r = await backward(model, inputs, {
    target: { weights }, output: on.output, relu, wrt: [model.inputName], signal: progress.signal, onProgress: progress.onProgress,
  });
  return r.gradients[model.inputName];
}

/** Weighted sum over each item's copies: `[M * copies, ...]` to `[M, ...]` with `weights[k]` for copy k. */
export function combineCopies(t: FloatTensor, weights: number[]): FloatTensor {
  const copies = weights.length;
  const M = t.shape[0] / copies;
  const n = t.data.length / t.shape[0];
  const data = new Float32Array(M * n);
  const sum = new Float64Array(n);
  for (let m = 0; m < M; m++) {
    sum.fill(0);
    for (let k = 0; k < copies; k++) {
      const w = weights[k];
      if (w === 0) continue;
      const base = (m * copies + k) * n;
      for (let i = 0; i < n; i++) sum[i] += w * t.data[base + i];
    }
    data.set(sum, m * n);
  }
  return { data, shape: [M, ...t.shape.slice(1)] };
}
