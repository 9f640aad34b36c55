/**
 * Convolution filters as pictures. Kernels that read the RGB input are drawn in colour;
 * deeper kernels as one gray tile per input channel. Kernels are a few pixels wide, so tiles
 * are upscaled with nearest neighbour to keep each weight a visible square.
 */
import { ConvlensError } from '../errors.js';
import { makeGrid, rowColumnFigure } from '../image/grid.js';
import { tileScale, upscaleNearest } from '../image/tiles.js';
import type { FiltersResult } from '../methods/filters.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import { figureWithLegend } from './figure.js';

export interface FilterGridOptions {
  /** `'per-filter'` (default): each filter stretched to its own weight range; `'shared'`: one range for the layer, so magnitudes compare. */
  range?: 'shared' | 'per-filter';
  /** Filters drawn (the first ones); default 64. */
  maxFilters?: number;
  /** Input channels drawn per filter for deeper layers; default 16. */
  maxInputs?: number;
  /** Screen pixels per weight; default enough for about 32-pixel tiles. */
  scale?: number;
}

export interface FilterGrid {
  /** Colour tiles (filters reading the RGB input), or rows = filters x columns = input channels in gray. */
  image: RgbImage;
  /** Filters and input channels drawn (the first ones), out of `weights.shape[0]` and `weights.shape[1]`. */
  shown: { filters: number; inputs: number };
  /** The weight range black-to-white spans with `range: 'shared'`; null when each filter has its own. */
  range: [number, number] | null;
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new ConvlensError('BAD_OPTION', `${name} must be a positive integer, got ${String(value)}.`);
  return value;
}

/** Byte for `v` placed in [lo, hi]; a constant range gives 0, like normalizeMap. */
const toByte = (v: number, lo: number, hi: number) => (hi > lo ? Math.round((255 * (v - lo)) / (hi - lo)) : 0);

/** A `kh x kw` tile from per-pixel colours `rgb(y, x)`. */
function tile(kh: number, kw: number, rgb: (y: number, x: number) => [number, number, number]): RgbImage {
  const data = new Uint8ClampedArray(kh * kw * 3);
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) data.set(rgb(y, x), (y * kw + x) * 3);
  return { width: kw, height: kh, data };
}

/**
 * Draws a layer's kernels. Kernels of a layer that reads the RGB input are colour tiles (one
 * per filter); deeper kernels are gray tiles, one row per filter and one column per input
 * channel. Each weight `w` becomes the byte `round(255 (w - lo) / (hi - lo))` with `[lo, hi]`
 * the filter's (or the layer's) range.
 *
 * @example
 * const grid = filterGrid(filters(model, 'layer1.0.conv1'), { range: 'shared', maxFilters: 16, maxInputs: 8 });
 * grid.shown; // { filters: 16, inputs: 8 }
 */
export function filterGrid(result: FiltersResult, options: FilterGridOptions = {}): FilterGrid {
  const range = options.range ?? 'per-filter';
  if (range !== 'shared' && range !== 'per-filter') throw new ConvlensError('BAD_OPTION', `Filter range must be "shared" or "per-filter", got ${JSON.stringify(range)}.`);
  const { weights } = result;
  const [O, I, kh, kw] = weights.shape;
  const shownO = Math.min(O, positiveInt(options.maxFilters ?? 64, 'maxFilters'));
  const shownI = Math.min(I, positiveInt(options.maxInputs ?? 16, 'maxInputs'));
  const scale = positiveInt(options.scale ?? tileScale(kh, kw), 'scale');
  const filterRange = (o: number) => (range === 'shared' ? result.range : result.filterRanges[o]);
  const at = (o: number, i: number, y: number, x: number) => weights.data[((o * I + i) * kh + y) * kw + x];
  const labels = Array.from({ length: shownO }, (_, o) => String(o));
  const sharedRange = range === 'shared' ? result.range : null;

  if (result.imageChannels) {
    // Input channels in the model's order; shown as red, green, blue.
    const rgb = result.imageChannels === 'BGR' ? [2, 1, 0] : [0, 1, 2];
    const tiles = labels.map((_, o) => {
      const [lo, hi] = filterRange(o);
      return upscaleNearest(tile(kh, kw, (y, x) => rgb.map((i) => toByte(at(o, i, y, x), lo, hi)) as [number, number, number]), scale);
    });
    return { image: makeGrid(tiles, { labels }), shown: { filters: shownO, inputs: 3 }, range: sharedRange };
  }
  const gray = (o: number, i: number) => {
    const [lo, hi] = filterRange(o);
    return upscaleNearest(tile(kh, kw, (y, x) => { const v = toByte(at(o, i, y, x), lo, hi); return [v, v, v]; }), scale);
  };
  const about = { shown: { filters: shownO, inputs: shownI }, range: sharedRange };
  if (I === 1) return { image: makeGrid(labels.map((_, o) => gray(o, 0)), { labels }), ...about };
  const cells = labels.map((_, o) => Array.from({ length: shownI }, (_, i) => gray(o, i)));
  const columnLabels = Array.from({ length: shownI }, (_, i) => `in ${i}`);
  return { image: rowColumnFigure(cells, { rowLabels: labels, columnLabels }), ...about };
}

/**
 * The filter grid as a figure a person can read on its own: a title with the layer, its Conv
 * node and what was left out (filters, input channels), and a gray colour bar with the weight
 * scale.
 *
 * @example
 * writeFileSync('conv1.png', encodePng(filtersFigure(filters(model, 'conv1'), { range: 'shared' })));
 */
export function filtersFigure(result: FiltersResult, options: FilterGridOptions = {}): RgbImage {
  const grid = filterGrid(result, options);
  const [O, I] = result.weights.shape;
  const parts = [`${grid.shown.filters} of ${O} filters`];
  if (grid.shown.inputs < I) parts.push(`input channels 0-${grid.shown.inputs - 1} of ${I} (each row a filter, each column one input channel)`);
  return figureWithLegend(grid.image, {
    title: `filters · ${result.layer} (${result.node}) · ${parts.join(' · ')}`,
    subtitle: grid.range ? 'one gray scale for the whole layer' : 'each filter its own gray scale, black its lowest weight, white its highest',
    colorBar: grid.range
      ? { kind: 'colormap', colormap: 'gray', min: grid.range[0], max: grid.range[1], caption: 'weight' }
      : { kind: 'colormap', colormap: 'gray', min: 0, max: 1, caption: 'weight, 0 = the filter\'s lowest, 1 = its highest' },
  });
}
