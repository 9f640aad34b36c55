/**
 * Feature maps: what each channel of a layer outputs for an input, from one forward pass,
 * as data and as a labelled grid of channel tiles per input.
 */
import type { ProgressOptions } from '../engine/engine.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import { applyColormap, colormapNames, type ColormapName } from '../image/colormap.js';
import { makeGrid } from '../image/grid.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { tileScale, upscaleNearest } from '../image/tiles.js';
import { forward } from './passes.js';

export interface FeatureMapsOptions extends ProgressOptions {
  /** Channel order in the grid: `'index'` (default) or `'mean'` (highest mean activation over the batch first). */
  order?: 'index' | 'mean';
  /** Channels drawn per input (the first in `order`); default 64. `raw` always holds them all. */
  maxChannels?: number;
  /**
   * `'per-channel'` (default): each tile stretched to its own range, so every map's pattern
   * shows; `'shared'`: one range per input across its drawn channels, so strengths compare.
   */
  range?: 'shared' | 'per-channel';
  /** Default `'viridis'`. */
  colormap?: ColormapName;
}

export interface FeatureMapsResult {
  /** The layer's output as the model computes it: `[N, C, h, w]`, `[N, K]`, ... */
  raw: FloatTensor;
  /** Every channel index (dim 1), in the requested order. */
  order: number[];
  /** Per input, a grid of the first `maxChannels` channels of `order`, each labelled with its index. */
  images: RgbImage[];
  /** Per input, the value range of the colours with `range: 'shared'`; null per tile ranges. */
  ranges: ([number, number] | null)[];
  /** Channels drawn per input. */
  shown: number;
}

/** Mean of each channel (dim 1) over the batch and every other dim. */
function batchChannelMeans(raw: FloatTensor): Float64Array {
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

function rangeOf(values: Float32Array, into: [number, number] = [Infinity, -Infinity]): [number, number] {
  for (const v of values) { if (v < into[0]) into[0] = v; if (v > into[1]) into[1] = v; }
  return into;
}

/**
 * The activations of any layer for a batch of inputs. 4-D outputs draw each channel as an
 * `h x w` tile; 3-D outputs `[N, C, L]` as `1 x L` strips; 2-D outputs `[N, K]` as one row
 * of colour swatches, one per unit. Tiles are upscaled with nearest neighbour.
 *
 * @example
 * const fm = await featureMaps(model, x, 'layer1', { order: 'mean', maxChannels: 16 });
 * fm.raw.shape; // [1, 64, 56, 56]
 * fm.order.slice(0, 3); // the three channels with the highest mean activation
 */
export async function featureMaps(model: ConvlensModel, x: FloatTensor, layer: string, options: FeatureMapsOptions = {}): Promise<FeatureMapsResult> {
  const order = options.order ?? 'index';
  if (order !== 'index' && order !== 'mean') throw new ConvlensError('BAD_OPTION', `Feature map order must be "index" or "mean", got ${JSON.stringify(order)}.`);
  const range = options.range ?? 'per-channel';
  if (range !== 'shared' && range !== 'per-channel') throw new ConvlensError('BAD_OPTION', `Feature map range must be "shared" or "per-channel", got ${JSON.stringify(range)}.`);
  const colormap = options.colormap ?? 'viridis';
  if (!colormapNames.includes(colormap)) throw new ConvlensError('BAD_OPTION', `Unknown colormap "${String(colormap)}"; use one of ${colormapNames.join(', ')}.`);
  const maxChannels = options.maxChannels ?? 64;
  if (!Number.isInteger(maxChannels) || maxChannels < 1) throw new ConvlensError('BAD_OPTION', `maxChannels must be a positive integer, got ${String(maxChannels)}.`);

  const tensor = model.resolveLayer(layer);
  const raw = (await forward(model, x, [tensor], options))[tensor];
  if (raw.shape.length < 2) {
    throw new ConvlensError('BAD_OPTION', `Layer "${layer}" outputs shape [${raw.shape.join(', ')}], which has no channels to draw; pick a layer with an [N, C, ...] output.`);
  }
  const [N, C] = raw.shape;
  const means = batchChannelMeans(raw);
  const indices = Array.from({ length: C }, (_, c) => c);
  if (order === 'mean') indices.sort((a, b) => means[b] - means[a] || a - b);
  const shown = indices.slice(0, maxChannels);
  // Tile rows and columns: trailing dims, the last one across.
  const tw = raw.shape.length > 2 ? raw.shape[raw.shape.length - 1] : 1;
  const th = raw.shape.slice(2, -1).reduce((a, b) => a * b, 1);
  const plane = th * tw;
  const scale = tileScale(th, tw);
  const labels = shown.map(String);

  const ranges: ([number, number] | null)[] = [];
  const images = Array.from({ length: N }, (_, n) => {
    const values = (c: number) => raw.data.subarray((n * C + c) * plane, (n * C + c + 1) * plane);
    const shared = range === 'shared' ? shown.reduce<[number, number]>((r, c) => rangeOf(values(c), r), [Infinity, -Infinity]) : null;
    ranges.push(shared);
    const tiles = shown.map((c) => {
      const [lo, hi] = shared ?? rangeOf(values(c));
      // A constant (or non-finite) range draws as the colormap's low end.
      const usable = Number.isFinite(lo) && Number.isFinite(hi) && hi > lo;
      return upscaleNearest(applyColormap(values(c), tw, th, colormap, usable ? [lo, hi] : [lo, lo + 1]), scale);
    });
    return makeGrid(tiles, { labels, columns: raw.shape.length === 2 ? tiles.length : undefined });
  });
  return { raw, order: indices, images, ranges, shown: shown.length };
}
