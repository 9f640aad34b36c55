/**
 * Checks a method's options against a model before anything runs: the output, the target
 * classes, the layer and what the method needs of the model's structure. A long run should
 * not fail at its end on a misspelt layer or class name, so callers check every method first.
 */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import { defaultCamLayer, spatialLayer } from './method-skeleton.js';
import { itemShapeOf, selectOutput } from './passes.js';
import type { MethodEntry, MethodOptions } from './registry.js';
import { needsScores, resolveTargets } from './targets.js';

/**
 * Throws the error the method would throw on this model, without computing anything:
 * `BAD_OPTION`, `BAD_TARGET`, `UNKNOWN_LAYER`, `NO_SPATIAL_OUTPUT`, `NO_CAM_HEAD`.
 * Targets that depend on the predictions (`top1`, `top3`) are checked only for their count;
 * `images` is the batch the method will get (for per-image targets).
 *
 * @example
 * for (const m of methods) checkMethod(m, model, { layer: 'layer4', target: 'tabby' });
 */
export function checkMethod(method: MethodEntry, model: ConvlensModel, options: MethodOptions, images = 1): void {
  const output = selectOutput(model, options.output);
  const outputShape = itemShapeOf(model, output);
  if (!needsScores(options.target) && !options.unit) {
    resolveTargets(options.target, { images, outputShape, labels: model.labels });
  } else if (typeof options.target === 'string') {
    const k = Number(options.target.slice(3));
    const outputs = outputShape.reduce((a, b) => a * b, 1);
    if (k < 1 || k > outputs) throw new ConvlensError('BAD_TARGET', `"${options.target}" asks for ${k} classes but the model has ${outputs} outputs.`);
  }
  if (method.usesLayer) {
    if (options.layer === undefined) defaultCamLayer(model);
    else spatialLayer(model, options.layer);
  }
  if (options.unit && method.options.unit) {
    const channels = itemShapeOf(model, model.resolveLayer(options.unit.layer))[0];
    if (!(options.unit.channel < channels)) {
      throw new ConvlensError('BAD_OPTION', `Unit channel ${options.unit.channel} is out of range: layer "${options.unit.layer}" has ${channels} channels (0 to ${channels - 1}).`);
    }
  }
  method.requires?.(model, { ...options, output });
}
