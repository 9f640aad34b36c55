/**
 * Colormaps for heatmaps and signed maps, and the normalization that prepares maps for them.
 *
 * Sequential maps: `jet` (the Grad-CAM convention), `viridis`, `inferno`, `gray`.
 * Diverging map: `bwr` (blue negative, white zero, red positive) for signed values such as
 * raw gradients; pair it with a symmetric range `[-m, m]`.
 */
import { ConvlensError } from '../errors.js';
import { bwrPoints, grayPoints, infernoPoints, jetChannels, viridisPoints, type ControlPoint } from './colormap-data.js';
import { finiteSorted, percentileOfSorted } from './percentile.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import { assertMapSize } from './validate.js';

export type ColormapName = 'jet' | 'viridis' | 'inferno' | 'gray' | 'bwr';

/** The colormap names, in the order the CLI lists them. */
export const colormapNames: readonly ColormapName[] = ['jet', 'viridis', 'inferno', 'gray', 'bwr'];

function interpolate(points: readonly (readonly number[])[], t: number, channel: number): number {
  for (let i = 1; i < points.length; i++) {
    const [x1] = points[i];
    if (t <= x1 || i === points.length - 1) {
      const [x0] = points[i - 1];
      const f = x1 === x0 ? 0 : Math.min(1, Math.max(0, (t - x0) / (x1 - x0)));
      return points[i - 1][channel] + (points[i][channel] - points[i - 1][channel]) * f;
    }
  }
  return points[0][channel];
}

function colourAt(name: ColormapName, t: number): [number, number, number] {
  if (name === 'jet') return [0, 1, 2].map((c) => interpolate(jetChannels[c], t, 1)) as [number, number, number];
  const points: readonly ControlPoint[] = { viridis: viridisPoints, inferno: infernoPoints, gray: grayPoints, bwr: bwrPoints }[name];
  return [1, 2, 3].map((c) => interpolate(points, t, c)) as [number, number, number];
}

const tables = new Map<ColormapName, Uint8Array>();

/** Table entries minus one: 256 steps put an entry exactly at t = 0.5, the centre of `bwr`. */
const STEPS = 256;

/**
 * The lookup table of a colormap, 257 colours: `lut[3 * i + c]` is channel `c` of the colour
 * for `t = i / 256`. Throws `BAD_OPTION` for an unknown name.
 *
 * @example
 * const lut = colormapTable('jet'); // lut[0..2] = [0, 0, 128]: dark blue
 */
export function colormapTable(name: ColormapName): Uint8Array {
  if (!colormapNames.includes(name)) {
    throw new ConvlensError('BAD_OPTION', `Unknown colormap "${String(name)}". Use one of: ${colormapNames.join(', ')}.`);
  }
  let lut = tables.get(name);
  if (!lut) {
    lut = new Uint8Array((STEPS + 1) * 3);
    for (let i = 0; i <= STEPS; i++) {
      const rgb = colourAt(name, i / STEPS);
      for (let c = 0; c < 3; c++) lut[i * 3 + c] = Math.round(rgb[c] * 255);
    }
    tables.set(name, lut);
  }
  return lut;
}

/**
 * Colours a `w x h` map: values are placed in `range` (default `[0, 1]`), clamped outside
 * it, and looked up in the colormap. NaN shows as the low end. Use one shared range for maps
 * that should be compared side by side.
 *
 * @example
 * const heat = applyColormap(cam, 224, 224, 'jet');
 * const signed = applyColormap(grad, 224, 224, 'bwr', [-m, m]);
 */
export function applyColormap(
  values: Float32Array,
  w: number,
  h: number,
  name: ColormapName = 'jet',
  range: [number, number] = [0, 1],
): RgbImage {
  assertMapSize(values, w, h, 'map');
  const [lo, hi] = range;
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(hi > lo)) {
    throw new ConvlensError('BAD_OPTION', `A colormap range must be [low, high] with low < high, got ${JSON.stringify(range)}.`);
  }
  const lut = colormapTable(name);
  const data = new Uint8ClampedArray(w * h * 3);
  const k = STEPS / (hi - lo);
  for (let i = 0; i < values.length; i++) {
    const v = (values[i] - lo) * k;
    const idx = v > 0 ? (v < STEPS ? Math.round(v) : STEPS) : 0;
    data[i * 3] = lut[idx * 3];
    data[i * 3 + 1] = lut[idx * 3 + 1];
    data[i * 3 + 2] = lut[idx * 3 + 2];
  }
  return { width: w, height: h, data };
}

/** How {@link normalizeMap} picks the range it stretches to [0, 1]. */
export interface NormalizeMapOptions {
  /**
   * `'minmax'` (default): the smallest value maps to 0 and the largest to 1.
   * `'percentile'`: the `(100 - p)`-th and `p`-th percentiles map to 0 and 1 and values beyond
   * them are clipped, so a few extreme pixels don't wash out the rest.
   */
  mode?: 'minmax' | 'percentile';
  /** `p` for `'percentile'` mode, in (50, 100]; default 99. */
  percentile?: number;
}

/**
 * Rescales a map to [0, 1] (see {@link NormalizeMapOptions}). A constant map becomes all
 * zeros and NaN entries become 0, so the result is always safe to colour.
 *
 * @example
 * normalizeMap(new Float32Array([2, 4, 6])); // [0, 0.5, 1]
 * normalizeMap(cam, { mode: 'percentile', percentile: 99 });
 */
export function normalizeMap(values: Float32Array, options: NormalizeMapOptions = {}): Float32Array {
  const mode = options.mode ?? 'minmax';
  if (mode !== 'minmax' && mode !== 'percentile') {
    throw new ConvlensError('BAD_OPTION', `normalizeMap mode must be "minmax" or "percentile", got ${JSON.stringify(mode)}.`);
  }
  const p = options.percentile ?? 99;
  if (mode === 'percentile' && !(p > 50 && p <= 100)) {
    throw new ConvlensError('BAD_OPTION', `normalizeMap percentile must be in (50, 100], got ${String(p)}.`);
  }
  const sorted = finiteSorted(values);
  const out = new Float32Array(values.length);
  if (sorted.length === 0) return out;
  const lo = mode === 'minmax' ? sorted[0] : percentileOfSorted(sorted, 100 - p);
  const hi = mode === 'minmax' ? sorted[sorted.length - 1] : percentileOfSorted(sorted, p);
  if (!(hi > lo)) return out;
  const k = 1 / (hi - lo);
  for (let i = 0; i < values.length; i++) {
    const v = (values[i] - lo) * k;
    out[i] = v > 0 ? (v < 1 ? v : 1) : 0;
  }
  return out;
}
