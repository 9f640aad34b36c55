/**
 * Noisy linear imputation (Rong et al. 2022, ROAD): every removed pixel becomes the weighted
 * mean of its 8 neighbours (1/6 for the 4 direct ones, 1/12 for the diagonals; neighbours
 * outside the image are left out), solved jointly for all removed pixels, plus Gaussian noise.
 * Filling from the surroundings leaves no trace of the removal's shape for the model to read.
 */

const OFFSETS: readonly [number, number, number][] = [
  [-1, -1, 1 / 12], [-1, 0, 1 / 6], [-1, 1, 1 / 12], [0, -1, 1 / 6],
  [0, 1, 1 / 6], [1, -1, 1 / 12], [1, 0, 1 / 6], [1, 1, 1 / 12],
];

/** The removed pixels' neighbourhoods in compressed rows: neighbour pixel index and weight. */
interface Neighbourhoods {
  unknown: Int32Array;
  /** Position of each pixel among the unknowns, or -1 for a kept pixel. */
  slot: Int32Array;
  start: Int32Array;
  pixel: Int32Array;
  weight: Float64Array;
  /** Sum of the in-image neighbour weights of each unknown. */
  diagonal: Float64Array;
}

function neighbourhoods(removed: Uint8Array, H: number, W: number): Neighbourhoods {
  const unknown = Int32Array.from(removed.keys()).filter((i) => removed[i] === 1);
  const slot = new Int32Array(H * W).fill(-1);
  unknown.forEach((p, u) => { slot[p] = u; });
  const start = new Int32Array(unknown.length + 1);
  const pixel: number[] = [];
  const weight: number[] = [];
  const diagonal = new Float64Array(unknown.length);
  unknown.forEach((p, u) => {
    const y = Math.floor(p / W);
    const x = p % W;
    for (const [dy, dx, w] of OFFSETS) {
      if (y + dy < 0 || y + dy >= H || x + dx < 0 || x + dx >= W) continue;
      pixel.push((y + dy) * W + x + dx);
      weight.push(w);
      diagonal[u] += w;
    }
    start[u + 1] = pixel.length;
  });
  return { unknown, slot, start, pixel: Int32Array.from(pixel), weight: Float64Array.from(weight), diagonal };
}

/**
 * Solves `diag_u v_u - sum_(unknown j) w_uj v_j = sum_(kept j) w_uj plane_j` for one channel by
 * conjugate gradients with a Jacobi preconditioner (the system is symmetric and positive
 * definite whenever some pixel is kept), starting from the kept pixels' mean.
 */
function solveChannel(plane: Float32Array, nb: Neighbourhoods, tolerance: number): Float64Array {
  const n = nb.unknown.length;
  const { slot, start, pixel, weight, diagonal } = nb;
  const b = new Float64Array(n);
  let keptSum = 0;
  let kept = 0;
  for (let i = 0; i < plane.length; i++) if (slot[i] < 0) { keptSum += plane[i]; kept++; }
  for (let u = 0; u < n; u++) {
    for (let e = start[u]; e < start[u + 1]; e++) if (slot[pixel[e]] < 0) b[u] += weight[e] * plane[pixel[e]];
  }
  const v = new Float64Array(n).fill(kept ? keptSum / kept : 0);
  const apply = (src: Float64Array, dst: Float64Array) => {
    for (let u = 0; u < n; u++) {
      let s = diagonal[u] * src[u];
      for (let e = start[u]; e < start[u + 1]; e++) { const j = slot[pixel[e]]; if (j >= 0) s -= weight[e] * src[j]; }
      dst[u] = s;
    }
  };
  const r = new Float64Array(n);
  apply(v, r);
  for (let u = 0; u < n; u++) r[u] = b[u] - r[u];
  const z = r.map((value, u) => value / diagonal[u]);
  const p = z.slice();
  const q = new Float64Array(n);
  let rz = r.reduce((s, value, u) => s + value * z[u], 0);
  const stop = tolerance * tolerance * Math.max(b.reduce((s, value) => s + value * value, 0), 1e-30);
  for (let iter = 0; iter < 10 * n + 10; iter++) {
    if (r.reduce((s, value) => s + value * value, 0) <= stop) break;
    apply(p, q);
    const alpha = rz / p.reduce((s, value, u) => s + value * q[u], 0);
    for (let u = 0; u < n; u++) { v[u] += alpha * p[u]; r[u] -= alpha * q[u]; z[u] = r[u] / diagonal[u]; }
    const next = r.reduce((s, value, u) => s + value * z[u], 0);
    const beta = next / rz;
    rz = next;
    for (let u = 0; u < n; u++) p[u] = z[u] + beta * p[u];
  }
  return v;
}

/**
 * Fills the pixels where `removed` is 1 in every channel of a `[C, H, W]` item: the linear
 * imputation plus `noise` times a standard normal value from `normal` per filled value
 * (drawn channel by channel, pixel by pixel). Kept pixels are copied unchanged.
 *
 * @example
 * const filled = noisyLinearImputation(item, removed, 3, 32, 32, 0.01, seededNormal(0));
 */
export function noisyLinearImputation(item: Float32Array, removed: Uint8Array, C: number, H: number, W: number,
  noise: number, normal: () => number, tolerance = 1e-6): Float32Array {
  const out = item.slice();
  const nb = neighbourhoods(removed, H, W);
  if (nb.unknown.length === 0) return out;
  const plane = H * W;
  for (let c = 0; c < C; c++) {
    const channel = item.subarray(c * plane, (c + 1) * plane);
    const v = nb.unknown.length === plane ? new Float64Array(plane) : solveChannel(channel, nb, tolerance);
    nb.unknown.forEach((p, u) => { out[c * plane + p] = v[u] + noise * normal(); });
  }
  return out;
}
