/** Removing transparency, the same way for every decoder (sharp, canvas, BMP). */
import type { RgbImage } from '../preprocess/rgb-image.js';

/**
 * Composites RGBA pixels over an opaque background (default white) and drops alpha:
 * `out = a * colour + (1 - a) * background` with `a = alpha / 255`, rounded.
 * White is the convention because transparent regions of product photos, icons and
 * logos are meant to be seen on white pages; black would invent dark shapes the model
 * never saw in its training data.
 *
 * @example
 * flattenRgba(new Uint8ClampedArray([255, 0, 0, 128]), 1, 1); // { data: [255, 127, 127], ... }
 */
export function flattenRgba(
  rgba: ArrayLike<number>,
  width: number,
  height: number,
  background: [number, number, number] = [255, 255, 255],
): RgbImage {
  const n = width * height;
  const data = new Uint8ClampedArray(n * 3);
  const [br, bg, bb] = background;
  for (let i = 0; i < n; i++) {
    const a = rgba[i * 4 + 3];
    const r = rgba[i * 4], g = rgba[i * 4 + 1], b = rgba[i * 4 + 2];
    if (a === 255) {
      data[i * 3] = r; data[i * 3 + 1] = g; data[i * 3 + 2] = b;
    } else {
      data[i * 3] = Math.round((a * r + (255 - a) * br) / 255);
      data[i * 3 + 1] = Math.round((a * g + (255 - a) * bg) / 255);
      data[i * 3 + 2] = Math.round((a * b + (255 - a) * bb) / 255);
    }
  }
  return { width, height, data };
}
