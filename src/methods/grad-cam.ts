/** Grad-CAM: class activation maps from layer activations weighted by pooled gradients. */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { weightedSum } from './maps.js';
import { camMap, defaultCamLayer, explainedItems, spatialLayer, type CamMap, type ExplainedItems, type TargetOptions } from './method-skeleton.js';
import { backward } from './passes.js';

export interface CamOptions extends TargetOptions {
  /** Layer (module path, node or tensor name), or several; default: the last spatial layer. */
  layer?: string | string[];
}

export interface CamResult extends CamMap, ExplainedItems {
  /** One map per requested layer, from the same backward pass (the first is also `raw`/`map`). */
  layers: CamMap[];
}

/** Spatial mean of each channel of each item: `[M, C, h, w]` to `[M, C]` (Grad-CAM's channel weights from gradients). */
export function spatialMeans(G: FloatTensor): Float32Array {
  const [M, C, h, w] = G.shape;
  const plane = h * w;
  const g = G.data;
  const out = new Float32Array(M * C);
  for (let k = 0; k < M * C; k++) {
    let s = 0;
    const base = k * plane;
    for (let i = 0; i < plane; i++) s += g[base + i];
    out[k] = s / plane;
  }
  return out;
}

/** A CAM from a layer's `[M, C, h, w]` activations and the target's gradients there: `[M, h, w]`. */
export type GradientCamRule = (activations: FloatTensor, gradients: FloatTensor) => FloatTensor;

/**
 * The driver every gradient-weighted CAM shares: one backward pass returns activations and
 * gradients for every requested layer, and `rule` turns each pair into a map. With
 * `'mean gradients'` the rule gets the gradients already averaged over the spatial dims
 * (`[M, C, 1, 1]`), for rules that need no more.
 *
 * @example
 * const cam = await gradientCams(model, x, { layer: 'layer4' }, (A, G) => weightedSum(A, spatialMeans(G)));
 */
export async function gradientCams(model: ConvlensModel, x: FloatTensor, options: CamOptions, rule: GradientCamRule, uses: 'gradients' | 'mean gradients' = 'gradients'): Promise<CamResult> {
  const requested = options.layer === undefined ? [defaultCamLayer(model)] : Array.isArray(options.layer) ? options.layer : [options.layer];
  if (requested.length === 0) throw new ConvlensError('BAD_OPTION', 'No layer was given; name at least one (see `convlens layers`).');
  const layers = requested.map((l) => spatialLayer(model, l));
  const tensors = [...new Set(layers.map((l) => l.tensor))];
  const r = await backward(model, x, { ...options, wrt: tensors, taps: tensors, spatialMeans: uses === 'mean gradients' ? tensors : undefined });
  const maps = layers.map(({ name, tensor }) => camMap(model, name, rule(r.taps[tensor], r.gradients[tensor])));
  return { ...maps[0], layers: maps, ...explainedItems(r.targets, r.scores) };
}

/** Grad-CAM's rule: channels weighted by their spatially averaged gradient. */
export const gradCamRule: GradientCamRule = (A, G) => weightedSum(A, spatialMeans(G));

/**
 * Grad-CAM (Selvaraju et al.): channel weights are the spatially averaged gradients of the
 * target at the layer; the map is the ReLU of the weighted sum of the layer's channels.
 *
 * @example
 * const cam = await gradCam(model, x, { layer: 'layer4', target: 281 });
 * cam.map.shape; // [1, 224, 224]
 */
export function gradCam(model: ConvlensModel, x: FloatTensor, options: CamOptions = {}): Promise<CamResult> {
  // The graph averages the gradients itself; spatialMeans of [M, C, 1, 1] is then a copy.
  return gradientCams(model, x, options, gradCamRule, 'mean gradients');
}
