/**
 * A line before a slow method starts: how many forward passes it runs and roughly how long
 * that takes here, from the time the predictions took, so a user can stop and pick faster
 * methods instead of waiting minutes without knowing.
 */
import type { ConvlensModel } from '../engine/model.js';
import { forwardPassesPerImage } from '../methods/method-cost.js';
import type { MethodEntry, MethodOptions } from '../methods/registry.js';
import { formatElapsed } from './progress.js';

/** Methods expected to finish sooner than this get no notice. */
const NOTICE_MS = 15_000;

/**
 * The notice for `method`, or undefined when it should be quick. `forwardMs` is the time
 * one forward pass of one image took (the predictions' time divided by the images); runs
 * are batched, so the estimate is on the high side.
 *
 * @example
 * const line = slowMethodNotice(findMethod('scorecam'), model, options, 2, 45, 'resnet50');
 */
export function slowMethodNotice(method: MethodEntry, model: ConvlensModel, options: MethodOptions, images: number, forwardMs: number, modelName?: string): string | undefined {
  const passes = forwardPassesPerImage(method, model, options);
  const ms = passes * images * forwardMs;
  if (!(ms >= NOTICE_MS)) return undefined;
  return `${method.name}${modelName ? ` on ${modelName}` : ''}: about ${passes} forward passes per image, up to ${formatElapsed(ms)} for ${images} image${images === 1 ? '' : 's'} `
    + `(one forward pass took ${Math.round(forwardMs)} ms per image); leave it out with --method to go faster.`;
}
