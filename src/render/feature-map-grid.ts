/**
 * Feature maps as pictures: per input, a labelled grid of channel tiles in the result's
 * order. 4-D outputs draw each channel as an `h x w` tile; 3-D outputs `[N, C, L]` as
 * `1 x L` strips; 2-D outputs `[N, K]` as one row of colour swatches, one per unit. Tiles are
 * upscaled with nearest neighbour.
 */
import { ConvlensError } from '../errors.js';
import { applyColormap, colormapNames, type ColormapName } from '../image/colormap.js';
import { makeGrid } from '../image/grid.js';
import { tileScale, upscaleNearest } from '../image/tiles.js';
import type { FeatureMapsResult } from '../methods/feature-maps.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import { figureWithLegend } from './figure.js';

export interface FeatureMapGridOptions {
  /** Channels drawn per input (the first of the result's `order`); default 64. */
  maxChannels?: number;
  /**
   * `'per-channel'` (default): each tile stretched to its own range, so every map's pattern
   * shows; `'shared'`: one range per input across its drawn channels, so strengths compare.
   */
  range?: 'shared' | 'per-channel';
  /** Default `'viridis'`. */
  colormap?: ColormapName;
}

export interface FeatureMapGrids {
  /** Per input, a grid of the first `maxChannels` channels of `order`, each labelled with its index. */
  images: RgbImage[];
  /** Per input, the value range of the colours with `range: 'shared'`; null with per-tile ranges. */
  ranges: ([number, number] | null)[];
  /** Channels drawn per input. */
  shown: number;
}

/**
 * Draws the maps of every input of a feature-map result.
 *
 * @example
 * const grids = featureMapGrids(await featureMaps(model, x, 'layer1', { order: 'mean' }), { maxChannels: 16, range: 'shared' });
 * grids.ranges[0]; // [lowest, highest] activation among the 16 maps drawn for the first input
 */
export function featureMapGrids(result: FeatureMapsResult, options: FeatureMapGridOptions = {}): FeatureMapGrids {
  const range = options.range ?? 'per-channel';
  if (range !== 'shared' && range !== 'per-channel') throw new ConvlensError('BAD_OPTION', `Feature map range must be "shared" or "per-channel", got ${JSON.stringify(range)}.`);
  const colormap = options.colormap ?? 'viridis';
  if (!colormapNames.includes(colormap)) throw new ConvlensError('BAD_OPTION', `Unknown colormap "${String(colormap)}"; use one of ${colormapNames.join(', ')}.`);
  const maxChannels = options.maxChannels ?? 64;
  if (!Number.isInteger(maxChannels) || maxChannels < 1) throw new ConvlensError('BAD_OPTION', `maxChannels must be a positive integer, got ${String(maxChannels)}.`);
  const { raw } = result;
  const [N, C] = raw.shape;
  const shown = result.order.slice(0, maxChannels);
  // Tile rows and columns: trailing dims, the last one across.
  const tw = raw.shape.length > 2 ? raw.shape[raw.shape.length - 1] : 1;
  const th = raw.shape.slice(2, -1).reduce((a, b) => a * b, 1);
  const plane = th * tw;
  const scale = tileScale(th, tw);
  const labels = shown.map(String);

  const ranges: ([number, number] | null)[] = [];
  const images = Array.from({ length: N }, (_, n) => {
    const own = result.mapRanges[n];
    const shared = range === 'shared'
      ? shown.reduce<[number, number]>(([lo, hi], c) => [Math.min(lo, own[c][0]), Math.max(hi, own[c][1])], [Infinity, -Infinity])
      : null;
    ranges.push(shared);
    const tiles = shown.map((c) => {
      const [lo, hi] = shared ?? own[c];
      // A constant (or non-finite) range draws as the colormap's low end.
      const usable = Number.isFinite(lo) && Number.isFinite(hi) && hi > lo;
      const values = raw.data.subarray((n * C + c) * plane, (n * C + c + 1) * plane);
      return upscaleNearest(applyColormap(values, tw, th, colormap, usable ? [lo, hi] : [lo, lo + 1]), scale);
    });
    return makeGrid(tiles, { labels, columns: raw.shape.length === 2 ? tiles.length : undefined });
  });
  return { images, ranges, shown: shown.length };
}

/**
 * The maps of every input as figures a person can read on their own: a title with the
 * layer, the input's name, how many channels are drawn and in which order, and a colour bar
 * saying whether colours compare across maps.
 *
 * @example
 * const [figure] = featureMapFigures(await featureMaps(model, x, 'layer1'), ['cat'], { range: 'shared' });
 */
export function featureMapFigures(result: FeatureMapsResult, names: string[], options: FeatureMapGridOptions = {}): RgbImage[] {
  const grids = featureMapGrids(result, options);
  const colormap = options.colormap ?? 'viridis';
  const channels = result.raw.shape[1];
  return grids.images.map((image, n) => {
    const shared = grids.ranges[n];
    return figureWithLegend(image, {
      title: `feature maps · ${result.layer} · ${names[n] ?? `input ${n}`} · ${grids.shown} of ${channels} channels${result.orderedBy === 'mean' ? ', strongest mean first' : ''}`,
      subtitle: shared ? 'one colour range across the maps shown (strengths compare)' : 'each map its own colour range (patterns show; strengths do not compare)',
      colorBar: shared
        ? { kind: 'colormap', colormap, min: shared[0], max: shared[1], caption: 'activation' }
        : { kind: 'colormap', colormap, min: 0, max: 1, caption: 'activation, 0 = the map\'s lowest, 1 = its highest' },
    });
  });
}
