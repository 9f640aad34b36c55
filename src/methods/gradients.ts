/** Gradient maps of the input: vanilla saliency, guided backpropagation and deconvnet. */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../image/types.js';
import { maxAbsOverChannels, normalizeItems } from './maps.js';
import { explainedItems, type ExplainedItems, type TargetOptions } from './method-skeleton.js';
import { backward } from './passes.js';

export type SaliencyRule = 'vanilla' | 'guided' | 'deconvnet';

export interface SaliencyOptions extends TargetOptions {
  rule?: SaliencyRule;
}

export interface SaliencyResult extends ExplainedItems {
  /** `[M, C, H, W]` gradient of the target with respect to the input. */
  raw: FloatTensor;
  /** `[M, H, W]` max |gradient| over channels, each item scaled to [0, 1]. */
  map: FloatTensor;
}

/** The gradient graph's ReLU rule for each saliency rule. */
export const reluOf = { vanilla: 'standard', guided: 'guided', deconvnet: 'deconvnet' } as const;

/**
 * Gradient of a target score with respect to the input pixels.
 *
 * @example
 * const sal = await saliency(model, x, { target: 281, rule: 'guided' });
 * sal.raw.shape; // [1, 3, 224, 224]
 */
export async function saliency(model: ConvlensModel, x: FloatTensor, options: SaliencyOptions = {}): Promise<SaliencyResult> {
  const rule = options.rule ?? 'vanilla';
  if (!(rule in reluOf)) {
    throw new ConvlensError('BAD_OPTION', `Unknown saliency rule "${rule}"; use vanilla, guided or deconvnet.`);
  }
  const r = await backward(model, x, { ...options, relu: reluOf[rule], wrt: [model.inputName] });
  const raw = r.gradients[model.inputName];
  return { raw, map: normalizeItems(maxAbsOverChannels(raw)), ...explainedItems(r.targets, r.scores) };
}
