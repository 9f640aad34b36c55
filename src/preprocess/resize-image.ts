/**
 * Resizing and cropping of RGB images, the geometry of model input preprocessing.
 *
 * Images use a triangle (tent) kernel whose width grows with the shrink factor, as PIL and
 * torchvision (`antialias=True`) do: enlarging is plain bilinear interpolation, shrinking
 * averages every source pixel under the output pixel instead of sampling four of them, so
 * downsized photos don't alias and tensors stay close to what torchvision pipelines produce.
 */
import { ConvlensError } from '../errors.js';
import { roundHalfEven } from '../numeric/round-half-even.js';
import { assertPositiveInt, assertRgbImage, type RgbImage } from './rgb-image.js';

/** Per-output-sample source window and normalized weights along one axis. */
interface AxisTaps {
  start: Int32Array;
  count: Int32Array;
  /** `weights[i * stride + k]` weighs source `start[i] + k` for output `i`. */
  weights: Float64Array;
  stride: number;
}

function triangleTaps(inSize: number, outSize: number): AxisTaps {
  const scale = inSize / outSize;
  const support = Math.max(1, scale);
  const stride = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * stride);
  for (let i = 0; i < outSize; i++) {
    // Pixel j covers [j, j + 1) and has its centre at j + 0.5 (half-pixel convention).
    const center = (i + 0.5) * scale;
    const lo = Math.max(0, Math.floor(center - support));
    const hi = Math.min(inSize, Math.ceil(center + support));
    let sum = 0;
    let first = -1;
    let n = 0;
    for (let j = lo; j < hi; j++) {
      const w = 1 - Math.abs((j + 0.5 - center) / support);
      if (w <= 0) continue;
      if (first < 0) first = j;
      weights[i * stride + (j - first)] = w;
      n = j - first + 1;
      sum += w;
    }
    // Near the borders part of the kernel falls outside the image; renormalizing keeps
    // flat regions flat instead of darkening the edges.
    for (let k = 0; k < n; k++) weights[i * stride + k] /= sum;
    start[i] = first;
    count[i] = n;
  }
  return { start, count, weights, stride };
}

function resampleRows(src: Float32Array | Uint8ClampedArray, w: number, h: number, outW: number): Float32Array {
  const taps = triangleTaps(w, outW);
  const out = new Float32Array(outW * h * 3);
  for (let y = 0; y < h; y++) {
    const row = y * w * 3;
    for (let x = 0; x < outW; x++) {
      let r = 0, g = 0, b = 0;
      const base = x * taps.stride;
      let p = row + taps.start[x] * 3;
      for (let k = 0; k < taps.count[x]; k++, p += 3) {
        const wt = taps.weights[base + k];
        r += src[p] * wt; g += src[p + 1] * wt; b += src[p + 2] * wt;
      }
      const o = (y * outW + x) * 3;
      out[o] = r; out[o + 1] = g; out[o + 2] = b;
    }
  }
  return out;
}

function resampleColumns(src: Float32Array | Uint8ClampedArray, w: number, h: number, outH: number): Float32Array {
  const taps = triangleTaps(h, outH);
  const rowLen = w * 3;
  const out = new Float32Array(rowLen * outH);
  for (let y = 0; y < outH; y++) {
    const o = y * rowLen;
    const base = y * taps.stride;
    for (let k = 0; k < taps.count[y]; k++) {
      const wt = taps.weights[base + k];
      const s = (taps.start[y] + k) * rowLen;
      for (let i = 0; i < rowLen; i++) out[o + i] += src[s + i] * wt;
    }
  }
  return out;
}

function toBytes(values: Float32Array): Uint8ClampedArray {
  const out = new Uint8ClampedArray(values.length);
  // Math.round rounds halves up (like PIL); the clamped array alone would round them to even.
  for (let i = 0; i < values.length; i++) out[i] = Math.round(values[i]);
  return out;
}

/**
 * Resizes an RGB image to exactly `width x height` (aspect ratio not kept). Bilinear when
 * enlarging; antialiased (tent kernel widened by the shrink factor) when shrinking.
 * Returns `img` itself when the size is unchanged.
 *
 * @example
 * const thumb = resizeImage(photo, 224, 224);
 */
export function resizeImage(img: RgbImage, width: number, height: number): RgbImage {
  assertRgbImage(img);
  assertPositiveInt(width, 'The target width');
  assertPositiveInt(height, 'The target height');
  if (width === img.width && height === img.height) return img;
  let values: Float32Array | Uint8ClampedArray = img.data;
  if (width !== img.width) values = resampleRows(values, img.width, img.height, width);
  if (height !== img.height) values = resampleColumns(values, width, img.height, height);
  return { width, height, data: values instanceof Float32Array ? toBytes(values) : values };
}

/**
 * Scales an image so its shorter side becomes `size`, keeping the aspect ratio; the longer
 * side is `floor(size * long / short)`, the same rule as torchvision's `Resize(int)`.
 *
 * @example
 * const r = resizeShorterSide({ width: 500, height: 375, data }, 256); // 341 x 256
 */
export function resizeShorterSide(img: RgbImage, size: number): RgbImage {
  assertRgbImage(img);
  assertPositiveInt(size, 'The shorter-side size');
  if (img.width <= img.height) {
    return resizeImage(img, size, Math.max(1, Math.floor((size * img.height) / img.width)));
  }
  return resizeImage(img, Math.max(1, Math.floor((size * img.width) / img.height)), size);
}

/**
 * Cuts the central `width x height` region out of an image. The offset is
 * `round((size - crop) / 2)` with halves rounded to even, matching torchvision's
 * `CenterCrop`, so crops line up pixel for pixel with PyTorch preprocessing.
 * Throws `BAD_OPTION` if the crop is larger than the image.
 *
 * @example
 * const crop = centerCrop(resizeShorterSide(photo, 256), 224, 224);
 */
export function centerCrop(img: RgbImage, width: number, height: number): RgbImage {
  assertRgbImage(img);
  assertPositiveInt(width, 'The crop width');
  assertPositiveInt(height, 'The crop height');
  if (width > img.width || height > img.height) {
    throw new ConvlensError('BAD_OPTION',
      `Cannot crop ${width}x${height} out of a ${img.width}x${img.height} image. ` +
      'Resize the image first (resizeShorterSide) or ask for a smaller crop.');
  }
  if (width === img.width && height === img.height) return img;
  const left = roundHalfEven((img.width - width) / 2);
  const top = roundHalfEven((img.height - height) / 2);
  const data = new Uint8ClampedArray(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * img.width + left) * 3;
    data.set(img.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { width, height, data };
}
