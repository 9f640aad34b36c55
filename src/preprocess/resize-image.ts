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

/**
 * Horizontal pass over source rows `[r0, r1)`: output columns `[x0, x0 + cw)` of a resample
 * to `outW` columns, as `(r1 - r0) x cw` RGB floats.
 */
function resampleRows(src: Uint8ClampedArray, w: number, r0: number, r1: number, outW: number, x0: number, cw: number): Float32Array {
  // The taps' fields are read into locals: V8 reloads an object's fields in the loop otherwise (a third slower).
  const { start, count, weights, stride } = triangleTaps(w, outW);
  const out = new Float32Array(cw * (r1 - r0) * 3);
  let o = 0;
  for (let y = r0; y < r1; y++) {
    const row = y * w * 3;
    for (let x = x0; x < x0 + cw; x++, o += 3) {
      let r = 0, g = 0, b = 0;
      const base = x * stride;
      const n = count[x];
      let p = row + start[x] * 3;
      for (let k = 0; k < n; k++, p += 3) {
        const wt = weights[base + k];
        r += src[p] * wt; g += src[p + 1] * wt; b += src[p + 2] * wt;
      }
      out[o] = r; out[o + 1] = g; out[o + 2] = b;
    }
  }
  return out;
}

/**
 * Vertical pass: output rows `[y0, y0 + ch)` of a resample with `taps`, reading `src`, which
 * holds source rows from `r0` on, each `w` pixels wide.
 */
function resampleColumns(src: Float32Array | Uint8ClampedArray, w: number, r0: number, taps: AxisTaps, y0: number, ch: number): Float32Array {
  const { start, count, weights, stride } = taps;
  const rowLen = w * 3;
  const out = new Float32Array(rowLen * ch);
  for (let y = y0; y < y0 + ch; y++) {
    const o = (y - y0) * rowLen;
    const base = y * stride;
    for (let k = 0; k < count[y]; k++) {
      const wt = weights[base + k];
      const s = (start[y] + k - r0) * rowLen;
      for (let i = 0; i < rowLen; i++) out[o + i] += src[s + i] * wt;
    }
  }
  return out;
}

function toBytes(values: Float32Array): Uint8ClampedArray {
  const out = new Uint8ClampedArray(values.length);
  // Halves round up (like PIL); the clamped array alone would round them to even. The values
  // are never negative (every tap weight is positive), so truncating v + 0.5 rounds as
  // Math.round does, and in a third of the time on real pictures, where Math.round's speed
  // depends on the values (1.55 against 0.42 ms for 200k values of a demo scene).
  for (let i = 0; i < values.length; i++) out[i] = (values[i] + 0.5) | 0;
  return out;
}

/**
 * The `cw x ch` region at (`left`, `top`) of `img` resized to `width x height`, computed for
 * that region alone: a crop of a resize costs only the pixels it keeps.
 */
function resizedRegion(img: RgbImage, width: number, height: number, left: number, top: number, cw: number, ch: number): RgbImage {
  const yTaps = height !== img.height ? triangleTaps(img.height, height) : null;
  // Source rows the region reads.
  let r0 = top;
  let r1 = top + ch;
  if (yTaps) {
    r0 = yTaps.start[top];
    r1 = 0;
    for (let y = top; y < top + ch; y++) r1 = Math.max(r1, yTaps.start[y] + yTaps.count[y]);
  }
  let values: Float32Array | Uint8ClampedArray;
  if (width !== img.width) {
    values = resampleRows(img.data, img.width, r0, r1, width, left, cw);
  } else {
    values = new Uint8ClampedArray(cw * (r1 - r0) * 3);
    for (let y = r0; y < r1; y++) values.set(img.data.subarray((y * img.width + left) * 3, (y * img.width + left + cw) * 3), (y - r0) * cw * 3);
  }
  if (yTaps) values = resampleColumns(values, cw, r0, yTaps, top, ch);
  return { width: cw, height: ch, data: values instanceof Float32Array ? toBytes(values) : values };
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
  return resizedRegion(img, width, height, 0, 0, width, height);
}

/**
 * `centerCrop(resizeImage(img, width, height), cropW, cropH)`, pixel for pixel, resampling
 * only the pixels the crop keeps (a 224 x 224 scene resized to 256 and cropped to 224 does
 * three quarters of the work).
 *
 * @example
 * const seen = resizeAndCrop(photo, 341, 256, 224, 224);
 */
export function resizeAndCrop(img: RgbImage, width: number, height: number, cropW: number, cropH: number): RgbImage {
  assertRgbImage(img);
  assertPositiveInt(width, 'The target width');
  assertPositiveInt(height, 'The target height');
  const { left, top } = cropOffsets(width, height, cropW, cropH);
  if (width === img.width && height === img.height) return centerCrop(img, cropW, cropH);
  return resizedRegion(img, width, height, left, top, cropW, cropH);
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
  const { left, top } = cropOffsets(img.width, img.height, width, height);
  if (width === img.width && height === img.height) return img;
  const data = new Uint8ClampedArray(width * height * 3);
  for (let y = 0; y < height; y++) {
    const from = ((top + y) * img.width + left) * 3;
    data.set(img.data.subarray(from, from + width * 3), y * width * 3);
  }
  return { width, height, data };
}

/** Where the centred `width x height` crop of a `W x H` picture starts; `BAD_OPTION` when it does not fit. */
function cropOffsets(W: number, H: number, width: number, height: number): { left: number; top: number } {
  assertPositiveInt(width, 'The crop width');
  assertPositiveInt(height, 'The crop height');
  if (width > W || height > H) {
    throw new ConvlensError('BAD_OPTION',
      `Cannot crop ${width}x${height} out of a ${W}x${H} image. ` +
      'Resize the image first (resizeShorterSide) or ask for a smaller crop.');
  }
  return { left: roundHalfEven((W - width) / 2), top: roundHalfEven((H - height) / 2) };
}
