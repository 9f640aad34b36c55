/**
 * Resizing and cropping of RGB images, and bilinear upsampling of float maps.
 *
 * Images use a triangle (tent) kernel whose width grows with the shrink factor, as PIL and
 * torchvision (`antialias=True`) do: enlarging is plain bilinear interpolation, shrinking
 * averages every source pixel under the output pixel instead of sampling four of them, so
 * downsized photos don't alias and tensors stay close to what torchvision pipelines produce.
 */
import { ConvlensError } from '../errors.js';
import type { RgbImage } from './types.js';
import { assertMapSize, assertPositiveInt, assertRgbImage } from './validate.js';

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

/** Python's round(): halves go to the even neighbour. torchvision's center_crop uses it. */
export function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
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

/** Source index pair and blend factor along one axis, PyTorch align_corners=False rules. */
function linearAxis(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; t: Float64Array } {
  const scale = inSize / outSize;
  const i0 = new Int32Array(outSize);
  const i1 = new Int32Array(outSize);
  const t = new Float64Array(outSize);
  for (let i = 0; i < outSize; i++) {
    // PyTorch clamps negative source coordinates to 0, so the first outputs copy the edge.
    const src = Math.max(0, (i + 0.5) * scale - 0.5);
    const lo = Math.min(Math.floor(src), inSize - 1);
    i0[i] = lo;
    i1[i] = Math.min(lo + 1, inSize - 1);
    t[i] = src - lo;
  }
  return { i0, i1, t };
}

/**
 * Bilinear resampling of many `h x w` maps to `H x W`, with exactly the semantics of PyTorch
 * `F.interpolate(mode='bilinear', align_corners=False)` (no antialias). The taps along each
 * axis are computed once; each map is interpolated along rows first, then columns, which
 * does a third of the work of interpolating each output pixel from four samples.
 *
 * @example
 * const up = new MapResizer(7, 7, 224, 224);
 * for (let m = 0; m < M; m++) up.resize(raw.subarray(m * 49, (m + 1) * 49), out.subarray(m * 224 * 224));
 */
export class MapResizer {
  private readonly ys: ReturnType<typeof linearAxis>;
  private readonly xs: ReturnType<typeof linearAxis>;
  // Kept in double precision so the result equals the four-sample formula to the last bit.
  private readonly rows: Float64Array;

  constructor(readonly h: number, readonly w: number, readonly H: number, readonly W: number) {
    assertPositiveInt(H, 'The output height');
    assertPositiveInt(W, 'The output width');
    this.ys = linearAxis(h, H);
    this.xs = linearAxis(w, W);
    this.rows = new Float64Array(h * W);
  }

  /** Writes the resampled `map` into the first `H * W` values of `out`. */
  resize(map: Float32Array, out: Float32Array): void {
    const { h, w, H, W, xs, ys, rows } = this;
    assertMapSize(map, w, h, 'map');
    for (let r = 0; r < h; r++) {
      for (let x = 0; x < W; x++) {
        const tx = xs.t[x];
        rows[r * W + x] = map[r * w + xs.i0[x]] * (1 - tx) + map[r * w + xs.i1[x]] * tx;
      }
    }
    for (let y = 0; y < H; y++) {
      const r0 = ys.i0[y] * W;
      const r1 = ys.i1[y] * W;
      const ty = ys.t[y];
      for (let x = 0; x < W; x++) out[y * W + x] = rows[r0 + x] * (1 - ty) + rows[r1 + x] * ty;
    }
  }
}

/**
 * Bilinear resampling of a single-channel `h x w` float map to `H x W` (see {@link MapResizer}).
 * Used to bring CAM maps from layer resolution to input resolution.
 *
 * @example
 * const up = resizeMap(new Float32Array([0, 1, 2, 3]), 2, 2, 4, 4);
 * // first row: 0, 0.25, 0.75, 1
 */
export function resizeMap(map: Float32Array, h: number, w: number, H: number, W: number): Float32Array {
  const out = new Float32Array(H * W);
  new MapResizer(h, w, H, W).resize(map, out);
  return out;
}
