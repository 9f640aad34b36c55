/** Grad-CAM: class activation maps from layer activations weighted by pooled gradients. */
import type { ProgressOptions } from '../engine/engine.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../image/types.js';
import type { ExplainedItems } from './gradients.js';
import { normalizeItems, upsampleItems } from './maps.js';
import { backward } from './passes.js';
import type { Target } from './targets.js';

export interface CamOptions extends ProgressOptions {
  /** Layer (module path, node or tensor name), or several; default: the last spatial layer. */
  layer?: string | string[];
  target?: Target;
  /** Model output the target refers to (default: the first). */
  output?: string;
}

export interface CamMap {
  /** Layer name as given. */
  layer: string;
  /** `[M, h, w]` ReLU'd map at the layer's resolution, unnormalized. */
  raw: FloatTensor;
  /** `[M, H, W]` at input resolution, each item scaled to [0, 1]. */
  map: FloatTensor;
}

export interface CamResult extends CamMap, ExplainedItems {
  /** One map per requested layer, from the same backward pass (the first is also `raw`/`map`). */
  layers: CamMap[];
}

/** The last layer with a spatial `[N, C, h, w]` output larger than 1 x 1: Grad-CAM's usual choice. */
export function defaultCamLayer(model: ConvlensModel): string {
  const layers = model.layers;
  for (let i = layers.length - 1; i >= 0; i--) {
    const s = layers[i].shape;
    if (s.length === 4 && s[2] * s[3] > 1) return layers[i].name;
  }
  throw new ConvlensError('NO_SPATIAL_OUTPUT', 'The model has no layer with a spatial [N, C, h, w] output, so there is nothing to map; use saliency instead.');
}

export function spatialLayer(model: ConvlensModel, layer: string): { name: string; tensor: string } {
  const tensor = model.resolveLayer(layer);
  const shape = model.engine.shapeInfo([model.engine.fixedBatch ?? 1, ...model.itemShape]).shapes.get(tensor) ?? [];
  if (shape.length !== 4) {
    throw new ConvlensError('NO_SPATIAL_OUTPUT',
      `Layer "${layer}" outputs shape [${shape.join(', ')}], not a spatial [N, C, h, w] map; pick a convolutional layer (see \`convlens layers\`).`);
  }
  return { name: layer, tensor };
}

/** relu(sum_c w[m, c] * A[m, c]) for `[M, C, h, w]` activations and `[M, C]` weights. */
export function weightedSum(A: FloatTensor, w: Float32Array): FloatTensor {
  const [M, C, h, wd] = A.shape;
  const plane = h * wd;
  const a = A.data;
  const data = new Float32Array(M * plane);
  for (let m = 0; m < M; m++) {
    const out = data.subarray(m * plane, (m + 1) * plane);
    for (let c = 0; c < C; c++) {
      const k = w[m * C + c];
      if (k === 0) continue;
      const base = (m * C + c) * plane;
      for (let i = 0; i < plane; i++) out[i] += k * a[base + i];
    }
    for (let i = 0; i < plane; i++) if (out[i] < 0) out[i] = 0;
  }
  return { data, shape: [M, h, wd] };
}

/** Spatial mean of each channel: `[M, C, h, w]` to `[M, C]`. */
export function channelMeans(G: FloatTensor): Float32Array {
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
 * const cam = await gradientCams(model, x, { layer: 'layer4' }, (A, G) => weightedSum(A, channelMeans(G)));
 */
export async function gradientCams(model: ConvlensModel, x: FloatTensor, options: CamOptions, rule: GradientCamRule, uses: 'gradients' | 'mean gradients' = 'gradients'): Promise<CamResult> {
  const requested = options.layer === undefined ? [defaultCamLayer(model)] : Array.isArray(options.layer) ? options.layer : [options.layer];
  if (requested.length === 0) throw new ConvlensError('BAD_OPTION', 'No layer was given; name at least one (see `convlens layers`).');
  const layers = requested.map((l) => spatialLayer(model, l));
  const tensors = [...new Set(layers.map((l) => l.tensor))];
  const r = await backward(model, x, { ...options, wrt: tensors, taps: tensors, spatialMeans: uses === 'mean gradients' ? tensors : undefined });
  const [H, W] = model.itemShape.slice(1);
  const maps = layers.map(({ name, tensor }) => {
    const raw = rule(r.taps[tensor], r.gradients[tensor]);
    return { layer: name, raw, map: normalizeItems(upsampleItems(raw, H, W)) };
  });
  return { ...maps[0], layers: maps, image: r.targets.image, target: r.targets.target, scores: r.scores };
}

/** Grad-CAM's rule: channels weighted by their spatially averaged gradient. */
export const gradCamRule: GradientCamRule = (A, G) => weightedSum(A, channelMeans(G));

/**
 * Grad-CAM (Selvaraju et al.): channel weights are the spatially averaged gradients of the
 * target at the layer; the map is the ReLU of the weighted sum of the layer's channels.
 *
 * @example
 * const cam = await gradCam(model, x, { layer: 'layer4', target: 281 });
 * cam.map.shape; // [1, 224, 224]
 */
export function gradCam(model: ConvlensModel, x: FloatTensor, options: CamOptions = {}): Promise<CamResult> {
  // The graph averages the gradients itself; channelMeans of [M, C, 1, 1] is then a copy.
  return gradientCams(model, x, options, gradCamRule, 'mean gradients');
}
