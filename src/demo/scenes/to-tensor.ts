/** Turns generated pictures into the float batch a model or a trainer consumes. */
import { ConvlensError } from '../../errors.js';
import type { RgbImage } from '../../preprocess/rgb-image.js';
import type { FloatTensor } from '../../numeric/float-tensor.js';

/**
 * Stacks same-sized RGB pictures into one `[N, 3, H, W]` float tensor with values in [0, 1]
 * (channel-planar, the layout ONNX CNNs take).
 *
 * @example
 * const { images, labels } = tankDataset({ split: 'balanced', count: 64, seed: 0 });
 * const x = toTensor(images); // shape [64, 3, 64, 64]
 */
export function toTensor(images: RgbImage[]): FloatTensor {
  if (images.length === 0) throw new ConvlensError('BAD_INPUT', 'toTensor needs at least one image.');
  const { width, height } = images[0];
  const plane = width * height;
  const data = new Float32Array(images.length * 3 * plane);
  images.forEach((img, n) => {
    if (img.width !== width || img.height !== height) {
      throw new ConvlensError('BAD_INPUT', `toTensor needs same-sized images: image 0 is ${width}x${height}, image ${n} is ${img.width}x${img.height}. Resize them first.`);
    }
    const base = n * 3 * plane;
    for (let p = 0; p < plane; p++) {
      data[base + p] = img.data[p * 3] / 255;
      data[base + plane + p] = img.data[p * 3 + 1] / 255;
      data[base + 2 * plane + p] = img.data[p * 3 + 2] / 255;
    }
  });
  return { data, shape: [images.length, 3, height, width] };
}
