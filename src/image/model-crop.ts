/**
 * Where the model's input lies in the original picture, and heatmaps shown over the whole
 * picture with that region framed: a centre crop leaves the borders out, and a reader
 * should see what the model never saw.
 */
import { drawBox } from './mask.js';
import { overlayHeatmap, type OverlayOptions } from './overlay.js';
import { resizeBeforeCrop, type PreprocessSpec } from '../preprocess/preprocess-images.js';
import { roundHalfEven } from '../numeric/round-half-even.js';
import { resizeImage } from '../preprocess/resize-image.js';
import { resizeMap } from './resize.js';
import type { RgbImage } from '../preprocess/rgb-image.js';

/** A region of a picture in its pixels, possibly fractional. */
export interface Region { x: number; y: number; width: number; height: number }

/**
 * The region of `picture` the model's `H x W` input shows after `spec`'s resize and crop.
 *
 * @example
 * modelRegion({ width: 500, height: 375 }, { size: [224, 224], resize: 'crop', preset: 'imagenet' });
 * // { x: ~62.5, y: ~18.8, width: ~375, height: ~328 }: the centre, 87.5 % of the shorter side
 */
export function modelRegion(picture: { width: number; height: number }, spec: Pick<PreprocessSpec, 'size' | 'resize' | 'cropFraction'>): Region {
  const [H, W] = spec.size;
  if (spec.resize === 'stretch') return { x: 0, y: 0, width: picture.width, height: picture.height };
  const [w, h] = resizeBeforeCrop(picture, H, W, spec.cropFraction ?? 0.875);
  const sx = picture.width / w;
  const sy = picture.height / h;
  return { x: roundHalfEven((w - W) / 2) * sx, y: roundHalfEven((h - H) / 2) * sy, width: W * sx, height: H * sy };
}

/**
 * The whole `picture` (scaled so its longer side is at most `maxSide`) with the `H x W`
 * heatmap `map` blended over the model's region, the rest dimmed, and the region framed.
 *
 * @example
 * const whole = overlayWholePicture(photo, cam.map.data.subarray(0, 224 * 224), model.preprocessSpec);
 */
export function overlayWholePicture(
  picture: RgbImage, map: Float32Array, spec: Pick<PreprocessSpec, 'size' | 'resize' | 'cropFraction'>, options: OverlayOptions & { maxSide?: number } = {},
): RgbImage {
  const [H, W] = spec.size;
  const k = Math.min(1, (options.maxSide ?? 512) / Math.max(picture.width, picture.height));
  const shown = k < 1 ? resizeImage(picture, Math.max(1, Math.round(picture.width * k)), Math.max(1, Math.round(picture.height * k))) : picture;
  const r = modelRegion(picture, spec);
  const x0 = Math.round(r.x * k);
  const y0 = Math.round(r.y * k);
  const rw = Math.max(1, Math.min(shown.width - x0, Math.round(r.width * k)));
  const rh = Math.max(1, Math.min(shown.height - y0, Math.round(r.height * k)));
  // Outside the region: the picture at half contrast towards white.
  const out: RgbImage = { width: shown.width, height: shown.height, data: shown.data.map((v) => Math.round(127.5 + v / 2)) };
  const inside: RgbImage = { width: rw, height: rh, data: new Uint8ClampedArray(rw * rh * 3) };
  for (let y = 0; y < rh; y++) inside.data.set(shown.data.subarray(((y0 + y) * shown.width + x0) * 3, ((y0 + y) * shown.width + x0 + rw) * 3), y * rw * 3);
  const blended = overlayHeatmap(inside, resizeMap(map, H, W, rh, rw), options);
  for (let y = 0; y < rh; y++) out.data.set(blended.data.subarray(y * rw * 3, (y + 1) * rw * 3), ((y0 + y) * out.width + x0) * 3);
  return drawBox(out, { x: x0, y: y0, width: rw, height: rh });
}
