/**
 * Bilinear upsampling of float maps (layer-resolution maps to input resolution), with
 * PyTorch's `F.interpolate` rules. Resizing pictures lives in preprocess/resize-image.ts.
 */
import { assertPositiveInt } from '../preprocess/rgb-image.js';
import { assertMapSize } from './validate.js';

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
 * The `outSize x inSize` matrix of {@link MapResizer}'s taps along one axis, row-major: with
 * `Ry` for the rows and `Rx` for the columns, `Ry · map · Rxᵀ` is the resampled map.
 *
 * @example
 * bilinearMatrix(2, 4); // rows [1, 0], [0.75, 0.25], [0.25, 0.75], [0, 1]
 */
export function bilinearMatrix(inSize: number, outSize: number): Float32Array {
  const { i0, i1, t } = linearAxis(inSize, outSize);
  const m = new Float32Array(outSize * inSize);
  for (let o = 0; o < outSize; o++) {
    m[o * inSize + i0[o]] += 1 - t[o];
    m[o * inSize + i1[o]] += t[o];
  }
  return m;
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
      const uy = 1 - ty;
      const o = y * W;
      for (let x = 0; x < W; x++) out[o + x] = rows[r0 + x] * uy + rows[r1 + x] * ty;
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
