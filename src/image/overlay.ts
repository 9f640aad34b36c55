/** Heatmaps blended over photos, and input gradients rendered as pictures. */
import { ConvlensError } from '../errors.js';
import { applyColormap, type ColormapName } from './colormap.js';
import { percentile as percentileOf } from './percentile.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import { assertMapSize } from './validate.js';
import { assertRgbImage } from '../preprocess/rgb-image.js';

/** Options of {@link overlayHeatmap}. */
export interface OverlayOptions {
  /** Weight of the heatmap colour, 0 (photo only) to 1 (heatmap only); default 0.4, which keeps the photo readable. */
  alpha?: number;
  /** Default `'viridis'`, perceptually uniform; `'jet'` is the older Grad-CAM convention. */
  colormap?: ColormapName;
}

/**
 * Blends a colour-mapped `[0, 1]` map over an image of the same size:
 * `out = (1 - alpha) * image + alpha * colormap(map)`. Values outside [0, 1] are clamped.
 *
 * @example
 * const shown = overlayHeatmap(photo, cam.map.data.subarray(0, 224 * 224), { alpha: 0.4 });
 */
export function overlayHeatmap(image: RgbImage, map: Float32Array, options: OverlayOptions = {}): RgbImage {
  assertRgbImage(image);
  assertMapSize(map, image.width, image.height, 'heatmap (it must match the image size)');
  const alpha = options.alpha ?? 0.4;
  if (!(alpha >= 0 && alpha <= 1)) {
    throw new ConvlensError('BAD_OPTION', `Overlay alpha must be between 0 and 1, got ${String(options.alpha)}.`);
  }
  const heat = applyColormap(map, image.width, image.height, options.colormap ?? 'viridis');
  const data = new Uint8ClampedArray(image.data.length);
  for (let i = 0; i < data.length; i++) {
    data[i] = Math.round((1 - alpha) * image.data[i] + alpha * heat.data[i]);
  }
  return { width: image.width, height: image.height, data };
}

/** Options of {@link saliencyToImage}. */
export interface SaliencyImageOptions {
  /**
   * - `'color'` (default): signed gradient per channel, 0 shown as mid-gray (128); the
   *   `percentile`-th percentile of |g| over all channels maps to full brightness (+) or black (-).
   * - `'gray'`: per-pixel magnitude (max of |g| over channels, the convention of Simonyan
   *   et al. 2013; `reduce: 'sum'` adds them instead), from 0 (black) to the `percentile`-th
   *   percentile of the magnitudes (white), clipped above.
   * - `'abs'`: |g| per channel as colour, black for 0, scaled like `'color'`.
   */
  mode?: 'color' | 'gray' | 'abs';
  /** Percentile that maps to full intensity; default 99, so a few outliers don't dim the image. */
  percentile?: number;
  /** How `'gray'` combines channels; default `'max'`. */
  reduce?: 'max' | 'sum';
  /** Channel order of the gradient (that of the model input); `'BGR'` is swapped back to RGB. */
  channelOrder?: 'RGB' | 'BGR';
}

/** Per-pixel magnitude over channels: the max (or sum) of |g|. */
function magnitudes(grad: Float32Array, [C, H, W]: [number, number, number], reduce: 'max' | 'sum'): Float32Array {
  const plane = H * W;
  const mag = new Float32Array(plane);
  for (let c = 0; c < C; c++) {
    for (let i = 0; i < plane; i++) {
      const a = Math.abs(grad[c * plane + i]);
      mag[i] = reduce === 'sum' ? mag[i] + a : Math.max(mag[i], a);
    }
  }
  return mag;
}

/**
 * The gradient value {@link saliencyToImage} shows at full intensity with the same options
 * (white, or black for negative values in `'color'`): the scale of its colour bar.
 *
 * @example
 * const top = saliencyScale(g, [3, 224, 224], { mode: 'gray' }); // white = top, black = 0
 */
export function saliencyScale(grad: Float32Array, shape: [number, number, number], options: SaliencyImageOptions = {}): number {
  checkShape(grad, shape);
  const p = options.percentile ?? 99;
  return options.mode === 'gray' ? percentileOf(magnitudes(grad, shape, options.reduce ?? 'max'), p) : percentileOf(grad.map(Math.abs), p);
}

function checkShape(grad: Float32Array, shape: [number, number, number]): void {
  const ok = Array.isArray(shape) && shape.length === 3 && shape.every((d) => Number.isInteger(d) && d > 0)
    && (shape[0] === 1 || shape[0] === 3) && grad.length === shape[0] * shape[1] * shape[2];
  if (!ok) {
    throw new ConvlensError('BAD_INPUT',
      `A saliency image needs a gradient of shape [C, H, W] with C = 1 or 3 and matching data; got shape ` +
      `${JSON.stringify(shape)} with ${grad.length} values. Pass one item of sal.raw (e.g. data.subarray(0, 3 * H * W)).`);
  }
}

/**
 * Renders an input gradient `[C, H, W]` (C = 3, or 1 for grayscale models) as an RGB image,
 * the way saliency, guided backprop and deconvnet results are usually shown: a colour
 * version (signed, centred on gray) and a gray version (magnitude). See
 * {@link SaliencyImageOptions} for the exact mappings.
 *
 * @example
 * const colour = saliencyToImage(g, [3, 224, 224], { mode: 'color' });
 * const gray = saliencyToImage(g, [3, 224, 224], { mode: 'gray' });
 */
export function saliencyToImage(
  grad: Float32Array,
  shape: [number, number, number],
  options: SaliencyImageOptions = {},
): RgbImage {
  checkShape(grad, shape);
  const mode = options.mode ?? 'color';
  if (mode !== 'color' && mode !== 'gray' && mode !== 'abs') {
    throw new ConvlensError('BAD_OPTION', `Saliency image mode must be "color", "gray" or "abs", got ${JSON.stringify(mode)}.`);
  }
  const reduce = options.reduce ?? 'max';
  if (reduce !== 'max' && reduce !== 'sum') {
    throw new ConvlensError('BAD_OPTION', `Saliency reduce must be "max" or "sum", got ${JSON.stringify(reduce)}.`);
  }
  const p = options.percentile ?? 99;
  const [C, H, W] = shape;
  const plane = H * W;
  const data = new Uint8ClampedArray(plane * 3);
  // Output channel o reads gradient channel src[o]: grayscale gradients fill all three.
  const src = C === 1 ? [0, 0, 0] : options.channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  if (mode === 'gray') {
    const mag = magnitudes(grad, shape, reduce);
    const top = percentileOf(mag, p);
    for (let i = 0; i < plane; i++) {
      const v = top > 0 ? Math.round(Math.min(1, mag[i] / top) * 255) : 0;
      data[i * 3] = data[i * 3 + 1] = data[i * 3 + 2] = v;
    }
    return { width: W, height: H, data };
  }
  const top = percentileOf(grad.map(Math.abs), p);
  const k = top > 0 ? 1 / top : 0;
  for (let o = 0; o < 3; o++) {
    const base = src[o] * plane;
    for (let i = 0; i < plane; i++) {
      const g = Math.max(-1, Math.min(1, grad[base + i] * k));
      // NaN gradients render as "no gradient" rather than propagating into the picture.
      const v = Number.isNaN(g) ? 0 : g;
      data[i * 3 + o] = mode === 'color' ? Math.round(127.5 + 127.5 * v) : Math.round(255 * Math.abs(v));
    }
  }
  return { width: W, height: H, data };
}
