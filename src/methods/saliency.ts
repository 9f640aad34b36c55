/** Gradient maps of the input: vanilla saliency, guided backpropagation and deconvnet. */
import type { ReluRule } from '../autodiff/vjp.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { maxAbsOverChannels, normalizeItemsInPlace } from './maps.js';
import { explainedItems, type ExplainedItems, type TargetOptions } from './method-skeleton.js';
import { backward } from './passes.js';

/** The gradient graph's ReLU rules that make an input-gradient map (all but activation maximization's `redirected`). */
export type SaliencyRule = Exclude<ReluRule, 'redirected'>;

const saliencyRules: readonly string[] = ['vanilla', 'guided', 'deconvnet'] satisfies SaliencyRule[];

/** Checks a rule from outside TypeScript (the command line, plain JavaScript); `what` names the method in the error. */
export function checkSaliencyRule(rule: SaliencyRule, what: string): SaliencyRule {
  if (!saliencyRules.includes(rule)) {
    throw new ConvlensError('BAD_OPTION', `Unknown ${what} rule "${rule}"; use vanilla, guided or deconvnet.`);
  }
  return rule;
}

export interface SaliencyOptions extends TargetOptions {
  rule?: SaliencyRule;
}

export interface SaliencyResult extends ExplainedItems {
  /** `[M, C, H, W]` gradient of the target with respect to the input. */
  raw: FloatTensor;
  /** `[M, H, W]` max |gradient| over channels, each item scaled to [0, 1]. */
  map: FloatTensor;
}

/**
 * Gradient of a target score with respect to the input pixels.
 *
 * @example
 * const sal = await saliency(model, x, { target: 281, rule: 'guided' });
 * sal.raw.shape; // [1, 3, 224, 224]
 */
export async function saliency(model: ConvlensModel, x: FloatTensor, options: SaliencyOptions = {}): Promise<SaliencyResult> {
  const relu = checkSaliencyRule(options.rule ?? 'vanilla', 'saliency');
  const r = await backward(model, x, { ...options, relu, wrt: [model.inputName] });
  const raw = r.gradients[model.inputName];
  return { raw, map: normalizeItemsInPlace(maxAbsOverChannels(raw)), ...explainedItems(r.targets, r.scores) };
}
