/**
 * What a method costs on a model, in forward passes per image, known before it runs: the
 * CLI turns it into a time estimate before a slow method starts (Score-CAM on a ResNet-50
 * runs 2048 masked forward passes per image), and leaves the slowest out of default method
 * lists on large models.
 */
import type { ConvlensModel } from '../engine/model.js';
import { defaultCamLayer } from './method-skeleton.js';
import { geometry } from './occlusion.js';
import { itemShapeOf } from './passes.js';
import type { MethodEntry, MethodOptions } from './registry.js';

/** A backward pass costs about two forward passes on top of its own forward. */
const GRADIENT_PASS = 3;

/**
 * Forward-pass equivalents per image (a gradient pass counts as three forward passes).
 *
 * @example
 * forwardPassesPerImage(findMethod('scorecam'), resnet50, {}); // 2048
 */
export function forwardPassesPerImage(method: MethodEntry, model: ConvlensModel, options: MethodOptions): number {
  const [, H, W] = model.itemShape;
  switch (method.name) {
    case 'scorecam': return 1 + itemShapeOf(model, model.resolveLayer(options.layer ?? defaultCamLayer(model)))[0];
    case 'occlusion': { const g = geometry(H, W, options); return 1 + g.gridH * g.gridW; }
    case 'smoothgrad': return 1 + GRADIENT_PASS * (options.samples ?? 25);
    case 'ig': return 2 + GRADIENT_PASS * ((options.steps ?? 32) + (options.method === 'trapezoid' ? 1 : 0));
    case 'cam': return 1;
    case 'guided-gradcam': return 1 + 2 * GRADIENT_PASS;
    default: return method.gradients ? 1 + GRADIENT_PASS : 1;
  }
}

/**
 * Work a method may cost to be run without being asked for: forward passes per image times
 * the bytes of activations one forward pass writes, a measure of time that does not depend on
 * the machine's load. 32 GiB is about 230 forward passes of a 224 x 224 ResNet-50 (10 to 20 s
 * per image on a laptop CPU): SmoothGrad and integrated gradients stay in, Score-CAM (2049
 * passes) and occlusion (785) are left out; on small models every method stays in.
 */
const DEFAULT_WORK_BYTES = 32 * 2 ** 30;

/**
 * Whether `method` belongs to a default method list on `model` (what `convlens report` runs
 * when `--method` is not given); a method left out still runs when asked for by name.
 *
 * @example
 * methodRegistry.filter((m) => runsByDefault(m, resnet50, {})).map((m) => m.name); // every method but scorecam and occlusion
 */
export function runsByDefault(method: MethodEntry, model: ConvlensModel, options: MethodOptions): boolean {
  return forwardPassesPerImage(method, model, options) * model.engine.activationBytesWritten(model.itemShape) <= DEFAULT_WORK_BYTES;
}
