/**
 * Feature maps as data: what each channel of a layer outputs for a batch of inputs, from one
 * forward pass, with per-channel statistics and an order. render/feature-map-grid.ts draws them.
 */
import type { ProgressOptions } from '../engine/engine.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { valueRange } from '../numeric/value-range.js';
import { forward } from './passes.js';

export interface FeatureMapsOptions extends ProgressOptions {
  /** Channel order: `'index'` (default) or `'mean'` (highest mean activation over the batch first). */
  order?: 'index' | 'mean';
}

export interface FeatureMapsResult {
  /** The layer name as asked for, and the tensor it resolved to. */
  layer: string;
  tensor: string;
  /** The layer's output as the model computes it: `[N, C, h, w]`, `[N, K]`, ... */
  raw: FloatTensor;
  /** Every channel index (dim 1), in the requested order. */
  order: number[];
  /** What `order` follows. */
  orderedBy: 'index' | 'mean';
  /** Per channel, its mean activation over the batch and every position (the key of `order: 'mean'`). */
  batchMeans: Float64Array;
  /** `mapRanges[n][c]`: the lowest and highest activation of channel `c` for input `n`. */
  mapRanges: [number, number][][];
}

/** Mean of each channel (dim 1) over the batch and every other dim. */
function meansOverBatch(raw: FloatTensor): Float64Array {
  const [N, C] = raw.shape;
  const plane = raw.data.length / (N * C);
  const means = new Float64Array(C);
  for (let n = 0; n < N; n++) {
    for (let c = 0; c < C; c++) {
      const base = (n * C + c) * plane;
      for (let i = 0; i < plane; i++) means[c] += raw.data[base + i];
    }
  }
  return means.map((s) => s / (N * plane));
}

/**
 * The activations of any layer for a batch of inputs, with each channel's mean over the batch
 * and each map's value range. Outputs need a channel dim: `[N, C, ...]`.
 *
 * @example
 * const fm = await featureMaps(model, x, 'layer1', { order: 'mean' });
 * fm.raw.shape;          // [1, 64, 56, 56]
 * fm.order.slice(0, 3);  // the three channels with the highest mean activation
 * const [picture] = featureMapGrids(fm, { maxChannels: 16 }).images;
 */
export async function featureMaps(model: ConvlensModel, x: FloatTensor, layer: string, options: FeatureMapsOptions = {}): Promise<FeatureMapsResult> {
  const order = options.order ?? 'index';
  if (order !== 'index' && order !== 'mean') throw new ConvlensError('BAD_OPTION', `Feature map order must be "index" or "mean", got ${JSON.stringify(order)}.`);
  const tensor = model.resolveLayer(layer);
  const raw = (await forward(model, x, [tensor], options))[tensor];
  if (raw.shape.length < 2) {
    throw new ConvlensError('BAD_OPTION', `Layer "${layer}" outputs shape [${raw.shape.join(', ')}], which has no channels to draw; pick a layer with an [N, C, ...] output.`);
  }
  const [N, C] = raw.shape;
  const plane = raw.data.length / (N * C);
  const batchMeans = meansOverBatch(raw);
  const indices = Array.from({ length: C }, (_, c) => c);
  if (order === 'mean') indices.sort((a, b) => batchMeans[b] - batchMeans[a] || a - b);
  const mapRanges = Array.from({ length: N }, (_, n) => Array.from({ length: C }, (_, c) => valueRange(raw.data.subarray((n * C + c) * plane, (n * C + c + 1) * plane))));
  return { layer, tensor, raw, order: indices, orderedBy: order, batchMeans, mapRanges };
}
