/**
 * Gaussian blur of image tensors: the blurred baseline of integrated gradients, occlusion's
 * blurred fill, RISE's insertion start and the synthesis blur all use it.
 */
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';

const bad = (message: string) => new ConvlensError('BAD_OPTION', message);

/** How a blur treats taps past the image edge. */
export type BlurEdges = 'renormalize' | 'replicate' | 'zero';

/** One axis of a Gaussian blur over `lines`, each given by its first index and the stride between its `length` values. */
function blurAxis(src: Float32Array, dst: Float32Array, lines: [number, number][], length: number, kernel: Float64Array, edges: BlurEdges): void {
  const r = (kernel.length - 1) / 2;
  for (const [start, stride] of lines) {
    for (let i = 0; i < length; i++) {
      let sum = 0;
      let weight = 0;
      if (edges === 'replicate') {
        for (let k = -r; k <= r; k++) {
          sum += kernel[k + r] * src[start + Math.min(length - 1, Math.max(0, i + k)) * stride];
          weight += kernel[k + r];
        }
      } else if (edges === 'zero') {
        for (let k = -r; k <= r; k++) {
          if (i + k >= 0 && i + k < length) sum += kernel[k + r] * src[start + (i + k) * stride];
          weight += kernel[k + r];
        }
      } else {
        for (let k = Math.max(-r, -i); k <= Math.min(r, length - 1 - i); k++) {
          sum += kernel[k + r] * src[start + (i + k) * stride];
          weight += kernel[k + r];
        }
      }
      dst[start + i * stride] = sum / weight;
    }
  }
}

/**
 * Separable Gaussian blur of every `[H, W]` plane of a `[N, C, H, W]` tensor, truncated at
 * `radius` pixels (default 3 sigma). At the edges, `'renormalize'` (default) drops the taps
 * outside the image and renormalizes the rest, so the blur commutes with the per-channel
 * affine normalization and keeps flat areas flat; `'replicate'` repeats the edge pixels;
 * `'zero'` pads with zeros (a convolution with zero padding, as RISE's insertion start).
 *
 * @example
 * const soft = gaussianBlur(x, 4);
 * const rise = gaussianBlur(x, 5, 'zero', 5); // 11 x 11 kernel, sigma 5
 */
export function gaussianBlur(x: FloatTensor, sigma: number, edges: BlurEdges = 'renormalize', radius = Math.ceil(3 * sigma)): FloatTensor {
  if (!(Number.isFinite(sigma) && sigma > 0)) throw bad(`The blur sigma must be a number of pixels greater than 0, got ${String(sigma)}.`);
  if (!(Number.isInteger(radius) && radius >= 0)) throw bad(`The blur radius must be a whole number of pixels, got ${String(radius)}.`);
  const [N, C, H, W] = x.shape;
  const r = radius;
  const kernel = Float64Array.from({ length: 2 * r + 1 }, (_, k) => Math.exp(-((k - r) ** 2) / (2 * sigma * sigma)));
  const tmp = new Float32Array(x.data.length);
  const data = new Float32Array(x.data.length);
  const planes = Array.from({ length: N * C }, (_, p) => p * H * W);
  blurAxis(x.data, tmp, planes.flatMap((p) => Array.from({ length: H }, (_, y) => [p + y * W, 1] as [number, number])), W, kernel, edges);
  blurAxis(tmp, data, planes.flatMap((p) => Array.from({ length: W }, (_, col) => [p + col, W] as [number, number])), H, kernel, edges);
  return { data, shape: [...x.shape] };
}
