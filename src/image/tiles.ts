/** Small tiles (kernels, feature maps, synthesized pixels) enlarged so each value stays a visible square. */
import type { RgbImage } from '../preprocess/rgb-image.js';

const TILE_PIXELS = 32;

/** Nearest-neighbour upscaling by a whole factor. */
export function upscaleNearest(img: RgbImage, factor: number): RgbImage {
  const width = img.width * factor;
  const height = img.height * factor;
  const data = new Uint8ClampedArray(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const from = (Math.floor(y / factor) * img.width + Math.floor(x / factor)) * 3;
      data.set(img.data.subarray(from, from + 3), (y * width + x) * 3);
    }
  }
  return { width, height, data };
}

/** Upscale factor that makes a `h x w` tile about 32 pixels on its longer side (never shrinks). */
export function tileScale(h: number, w: number): number {
  return Math.max(1, Math.ceil(TILE_PIXELS / Math.max(h, w)));
}
