/**
 * Global-pooled features of one layer for every image of a dataset, streamed in batches like
 * the scan: what an embedding view projects to two dimensions.
 */
import type { ProgressOptions } from '../engine/engine.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import { forward, itemShapeOf } from '../methods/passes.js';
import type { DatasetSource } from './source.js';

export interface PooledFeatureOptions extends ProgressOptions {
  /** Images per forward call; default 32. */
  batchSize?: number;
}

/** One row per image: the layer's channels averaged over positions, and the model's prediction. */
export interface PooledFeatures {
  /** The tensor the layer name resolved to. */
  tensor: string;
  /** Features per image (the layer's channels). */
  dims: number;
  /** `images * dims` values, image-major. */
  values: Float64Array;
  /** The model's top output per image. */
  predicted: number[];
}

/**
 * Streams a dataset through the model once and keeps the global average of each channel of
 * `layer` per image (a fully connected layer's `[N, C]` output is taken as it is).
 *
 * @example
 * const f = await pooledFeatures(model, demoDataset('shapes', { count: 300 }), 'features.7');
 * f.values.subarray(0, f.dims); // the first image's features
 */
export async function pooledFeatures(model: ConvlensModel, data: DatasetSource, layer: string, options: PooledFeatureOptions = {}): Promise<PooledFeatures> {
  const tensor = model.resolveLayer(layer);
  const shape = itemShapeOf(model, tensor);
  const dims = shape[0];
  const plane = shape.slice(1).reduce((a, b) => a * b, 1);
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConvlensError('BAD_OPTION', `batchSize must be a positive integer; got ${String(batchSize)}.`);
  const n = data.entries.length;
  const values = new Float64Array(n * dims);
  const predicted: number[] = [];
  const tensors = [...new Set([tensor, model.outputName])];
  for (let from = 0; from < n; from += batchSize) {
    const indices = Array.from({ length: Math.min(batchSize, n - from) }, (_, i) => from + i);
    const x = await model.preprocess(await Promise.all(indices.map((i) => data.load(i))));
    const out = await forward(model, x, tensors, { signal: options.signal });
    const t = out[tensor].data;
    for (let k = 0; k < indices.length; k++) {
      for (let c = 0; c < dims; c++) {
        let sum = 0;
        const base = (k * dims + c) * plane;
        for (let p = 0; p < plane; p++) sum += t[base + p];
        values[(from + k) * dims + c] = sum / plane;
      }
    }
    const o = out[model.outputName];
    const classes = o.data.length / indices.length;
    for (let k = 0; k < indices.length; k++) {
      let best = 0;
      for (let j = 1; j < classes; j++) if (o.data[k * classes + j] > o.data[k * classes + best]) best = j;
      predicted.push(best);
    }
    options.onProgress?.(from + indices.length, n);
  }
  return { tensor, dims, values, predicted };
}
