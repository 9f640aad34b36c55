/**
 * Views derived from a heatmap: a binary mask of its strongest region, the mask's bounding
 * box, and the image cut down to that region (the "Grad-CAM crop").
 */
import { ConvlensError } from '../errors.js';
import { percentile } from './percentile.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import { assertMapSize } from './validate.js';
import { assertRgbImage } from '../preprocess/rgb-image.js';

export interface MaskOptions {
  /** Keep values >= this absolute threshold (maps scaled to [0, 1]); default 0.5. */
  threshold?: number;
  /** Or keep the top share of pixels, e.g. 0.2 for the strongest 20 %; overrides `threshold`. */
  topFraction?: number;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * Thresholds a `[H, W]` map into a 0/1 mask.
 *
 * @example
 * const mask = thresholdMask(cam.map.data.subarray(0, 224 * 224), { topFraction: 0.2 });
 */
export function thresholdMask(map: Float32Array, options: MaskOptions = {}): Uint8Array {
  let cut = options.threshold ?? 0.5;
  if (options.topFraction !== undefined) {
    if (!(options.topFraction > 0 && options.topFraction <= 1)) {
      throw new ConvlensError('BAD_OPTION', `topFraction must be in (0, 1], got ${options.topFraction}; 0.2 keeps the strongest 20 % of pixels.`);
    }
    cut = percentile(map, 100 * (1 - options.topFraction));
  } else if (!Number.isFinite(cut)) {
    throw new ConvlensError('BAD_OPTION', `The mask threshold must be a number, got ${options.threshold}.`);
  }
  const mask = new Uint8Array(map.length);
  for (let i = 0; i < map.length; i++) mask[i] = map[i] >= cut ? 1 : 0;
  return mask;
}

/** Smallest box holding every set pixel of a `width x height` mask, or null for an empty mask. */
export function maskBoundingBox(mask: Uint8Array, width: number, height: number): Box | null {
  assertMapSize(mask, width, height, 'mask');
  let x0 = width;
  let y0 = height;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (!mask[y * width + x]) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/**
 * The image region under the mask: cropped to the mask's bounding box, pixels outside the
 * mask painted `outside` (default black). Throws `BAD_INPUT` for an empty mask.
 *
 * @example
 * const crop = cropToMask(photo, thresholdMask(map, { threshold: 0.6 }));
 */
export function cropToMask(image: RgbImage, mask: Uint8Array, outside: [number, number, number] = [0, 0, 0]): RgbImage {
  assertRgbImage(image);
  const box = maskBoundingBox(mask, image.width, image.height);
  if (!box) throw new ConvlensError('BAD_INPUT', 'The mask is empty, so there is no region to crop; lower the threshold.');
  const data = new Uint8ClampedArray(box.width * box.height * 3);
  for (let y = 0; y < box.height; y++) {
    for (let x = 0; x < box.width; x++) {
      const src = (box.y + y) * image.width + box.x + x;
      data.set(mask[src] ? image.data.subarray(src * 3, src * 3 + 3) : outside, (y * box.width + x) * 3);
    }
  }
  return { width: box.width, height: box.height, data };
}

/** Draws a box outline onto a copy of the image. */
export function drawBox(image: RgbImage, box: Box, colour: [number, number, number] = [255, 0, 0]): RgbImage {
  const out = { width: image.width, height: image.height, data: Uint8ClampedArray.from(image.data) };
  const paint = (x: number, y: number) => {
    if (x >= 0 && y >= 0 && x < out.width && y < out.height) out.data.set(colour, (y * out.width + x) * 3);
  };
  for (let x = box.x; x < box.x + box.width; x++) { paint(x, box.y); paint(x, box.y + box.height - 1); }
  for (let y = box.y; y < box.y + box.height; y++) { paint(box.x, y); paint(box.x + box.width - 1, y); }
  return out;
}
