/**
 * Several visualizations run for one figure: every class of a model, one objective under
 * no / L1 / L2 regularization, and the channels of one layer. Each item is an ordinary
 * `visualize` call with its own seed, so a gallery equals its items run one by one.
 */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { Objective } from './objectives.js';
import type { Regularizers } from './regularizers.js';
import { visualize, type VisualizeOptions, type VisualizeResult } from './visualize.js';

export interface GalleryItem {
  /** What the item shows: a class name, a regularizer, a channel. */
  label: string;
  result: VisualizeResult;
}

/** Runs the items in order, reporting progress over all of their steps. */
async function runAll(model: ConvlensModel, items: { label: string; objective: Objective; options: VisualizeOptions }[], options: VisualizeOptions): Promise<GalleryItem[]> {
  const steps = options.steps ?? 512;
  const out: GalleryItem[] = [];
  for (const [i, item] of items.entries()) {
    const result = await visualize(model, item.objective, {
      ...options, ...item.options,
      onProgress: (done) => options.onProgress?.(i * steps + done, items.length * steps),
    });
    out.push({ label: item.label, result });
  }
  return out;
}

/**
 * One visualization per class. `score` picks the objective of each class: its logit plus 30
 * times its probability by default (`logit+prob`), which keeps the result recognizable on
 * small models where the logit alone grows textures that raise every class.
 *
 * @example
 * const gallery = await visualizeClasses(model, [0, 1, 2], { steps: 128 });
 * gallery[0].result.recognized?.share;
 */
export function visualizeClasses(model: ConvlensModel, classes: number[], options: VisualizeOptions & { score?: 'logit' | 'logit+prob' } = {}): Promise<GalleryItem[]> {
  const objective = (k: number): Objective => ((options.score ?? 'logit+prob') === 'logit' ? `class:${k}` : `class:${k}+30*prob:${k}`);
  return runAll(model, classes.map((k, i) => ({ label: model.labels?.[k] ?? `class ${k}`, objective: objective(k), options: { seed: (options.seed ?? 0) + i } })), options);
}

/**
 * The same objective without regularization, with L1 and with L2 (the weights given), from
 * the same start.
 *
 * @example
 * const [none, l1, l2] = await visualizeRegularizers(model, 'class:3', { l1: 100, l2: 1000 });
 */
export function visualizeRegularizers(model: ConvlensModel, objective: Objective, weights: { l1: number; l2: number }, options: VisualizeOptions = {}): Promise<GalleryItem[]> {
  const regs: [string, Regularizers][] = [['none', {}], [`L1 ${weights.l1}`, { l1: weights.l1 }], [`L2 ${weights.l2}`, { l2: weights.l2 }]];
  return runAll(model, regs.map(([label, reg]) => ({ label, objective, options: { reg } })), options);
}

/**
 * One visualization per channel of `layer` (the first `count`, or the ones listed).
 *
 * @example
 * const gallery = await visualizeChannels(model, 'layer3', 16, { steps: 256 });
 */
export function visualizeChannels(model: ConvlensModel, layer: string, channels: number | number[], options: VisualizeOptions = {}): Promise<GalleryItem[]> {
  const list = typeof channels === 'number' ? Array.from({ length: channels }, (_, c) => c) : channels;
  if (list.length === 0) throw new ConvlensError('BAD_OPTION', 'Give at least one channel.');
  return runAll(model, list.map((c) => ({ label: `${c}`, objective: `channel:${layer}:${c}`, options: {} })), options);
}
