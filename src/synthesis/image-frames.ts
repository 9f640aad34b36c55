/** Synthesized `[0, 1]` image tensors as 8-bit pictures (grey models give grey pictures). */
import type { RgbImage } from '../preprocess/rgb-image.js';
import type { FloatTensor } from '../numeric/float-tensor.js';

/**
 * One picture per item of a `[B, C, H, W]` tensor of [0, 1] values: channels 0-2 as RGB, or
 * channel 0 as grey when there are fewer than three.
 *
 * @example
 * const [picture] = imagesOf(result.image);
 */
export function imagesOf(image: FloatTensor): RgbImage[] {
  const [B, C, H, W] = image.shape;
  const plane = H * W;
  return Array.from({ length: B }, (_, n) => {
    const data = new Uint8ClampedArray(plane * 3);
    for (let k = 0; k < 3; k++) {
      const c = C >= 3 ? k : 0;
      const src = (n * C + c) * plane;
      for (let p = 0; p < plane; p++) data[p * 3 + k] = Math.round(image.data[src + p] * 255);
    }
    return { width: W, height: H, data };
  });
}
