/** Baselines for integrated gradients: the "absence of signal" each path starts from. */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import { resolveNormalization } from '../image/preprocess.js';
import type { FloatTensor } from '../image/types.js';

/**
 * - `'black'`: a black image as the model sees it, after its normalization (for ImageNet
 *   statistics that is `-mean / std` per channel, not 0);
 * - `'zero'`: the all-zero tensor;
 * - `'blur'`: the input blurred with a Gaussian (`blurSigma` pixels), which keeps colours and
 *   removes detail;
 * - a tensor: `[C, H, W]` or `[1, C, H, W]` for every image, or `[N, C, H, W]`, one per image.
 */
export type Baseline = 'black' | 'zero' | 'blur' | FloatTensor;

const bad = (message: string) => new ConvlensError('BAD_OPTION', message);

function black(model: ConvlensModel, x: FloatTensor): FloatTensor {
  const [N, C, H, W] = x.shape;
  if (C !== 3) {
    throw bad(`The "black" baseline comes from the model's RGB preprocessing, but the input has ${C} channels; use "zero" or give a baseline tensor.`);
  }
  const { mean, std } = resolveNormalization(model.preprocessSpec);
  const plane = H * W;
  const data = new Float32Array(x.data.length);
  // Pixel value 0 normalizes to (0 - mean) / std whatever the pixel scale.
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) data.fill((0 - mean[c]) / std[c], (n * C + c) * plane, (n * C + c + 1) * plane);
  return { data, shape: [...x.shape] };
}

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

function custom(t: FloatTensor, x: FloatTensor): FloatTensor {
  const item = x.shape.slice(1);
  const shape = Array.isArray(t?.shape) ? t.shape : [];
  const perImage = shape.length === 4 && shape[0] === x.shape[0];
  const shared = (shape.length === 3 || (shape.length === 4 && shape[0] === 1)) && shape.slice(-3).every((d, i) => d === item[i]);
  const fits = (perImage && shape.slice(1).every((d, i) => d === item[i])) || shared;
  if (!(t?.data instanceof Float32Array) || !fits || t.data.length !== shape.reduce((a, b) => a * b, 1)) {
    throw bad(`The baseline tensor has shape [${shape.join(', ')}] but must be [${item.join(', ')}], [1, ${item.join(', ')}] or [${x.shape.join(', ')}] float32 values (one for all images, or one per image).`);
  }
  if (!t.data.every(Number.isFinite)) throw bad('The baseline tensor contains NaN or infinite values.');
  if (perImage) return t;
  const data = new Float32Array(x.data.length);
  for (let n = 0; n < x.shape[0]; n++) data.set(t.data, n * t.data.length);
  return { data, shape: [...x.shape] };
}

/**
 * The baseline of each image of `x` as a `[N, C, H, W]` tensor.
 *
 * @example
 * const b = baselineFor(model, x, 'black'); // ImageNet preprocessing: about -2.1, -2.0, -1.8
 */
export function baselineFor(model: ConvlensModel, x: FloatTensor, baseline: Baseline, blurSigma?: number): FloatTensor {
  if (baseline === 'zero') return { data: new Float32Array(x.data.length), shape: [...x.shape] };
  if (baseline === 'black') return black(model, x);
  if (baseline === 'blur') return gaussianBlur(x, blurSigma ?? 0.1 * Math.min(x.shape[2], x.shape[3]));
  if (typeof baseline === 'object' && baseline !== null) return custom(baseline, x);
  throw bad(`Unknown baseline ${JSON.stringify(baseline)}; use "black", "zero", "blur" or a tensor of the input's shape.`);
}
