/** Grad-CAM: class activation maps from layer activations weighted by pooled gradients. */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { gradCamMaps } from './grad-cam-graph.js';
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
 * The driver Grad-CAM's relatives share: one backward pass returns activations and gradients
 * for every requested layer, and `rule` turns each pair into a map.
 *
 * @example
 * const cam = await gradientCams(model, x, { layer: 'layer4' }, (A, G) => weightedSum(A, spatialMeans(G)));
 */
export async function gradientCams(model: ConvlensModel, x: FloatTensor, options: CamOptions, rule: GradientCamRule): Promise<CamResult> {
  const { layers, tensors } = camLayers(model, options);
  const r = await backward(model, x, { ...options, wrt: tensors, taps: tensors });
  const maps = layers.map(({ name, tensor }) => camMap(model, name, rule(r.taps[tensor], r.gradients[tensor])));
  return { ...maps[0], layers: maps, ...explainedItems(r.targets, r.scores) };
}

/** The requested CAM layers (the last spatial one by default) and their distinct tensors. */
function camLayers(model: ConvlensModel, options: CamOptions): { layers: { name: string; tensor: string }[]; tensors: string[] } {
  const requested = options.layer === undefined ? [defaultCamLayer(model)] : Array.isArray(options.layer) ? options.layer : [options.layer];
  if (requested.length === 0) throw new ConvlensError('BAD_OPTION', 'No layer was given; name at least one (see `convlens layers`).');
  const layers = requested.map((l) => spatialLayer(model, l));
  return { layers, tensors: [...new Set(layers.map((l) => l.tensor))] };
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
export async function gradCam(model: ConvlensModel, x: FloatTensor, options: CamOptions = {}): Promise<CamResult> {
  const { layers, tensors } = camLayers(model, options);
  const [H, W] = model.itemShape.slice(1);
  const r = await backward(model, x, { ...options, wrt: tensors, spatialMeans: tensors, extension: gradCamMaps(tensors, H, W) });
  const maps = layers.map(({ name, tensor }) => ({ layer: name, raw: r.extended[`raw:${tensor}`], map: r.extended[`map:${tensor}`] }));
  return { ...maps[0], layers: maps, ...explainedItems(r.targets, r.scores) };
}
