/** Baselines for integrated gradients: the "absence of signal" each path starts from. */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import { resolveNormalization } from '../preprocess/preprocess-images.js';
import { gaussianBlur } from '../image/blur.js';
import type { FloatTensor } from '../numeric/float-tensor.js';

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
