/**
 * Seeded k-means (k-means++ seeding, then Lloyd's iterations), the last step of spectral
 * clustering. Several restarts keep the partition with the smallest within-cluster sum of
 * squares, so one unlucky seeding does not decide the result.
 */
import { ConvlensError } from '../errors.js';
import { seededUint32 } from '../numeric/seeded-random.js';

export interface KMeansOptions {
  /** Seed of the k-means++ seeding; default 1. Same seed, same partition. */
  seed?: number;
  /** Independent seedings; the best is kept. Default 10. */
  restarts?: number;
  /** Lloyd's iterations per restart at most; default 100. */
  maxIterations?: number;
}

export interface KMeansResult {
  /** Cluster of each row, in 0..k-1. */
  assignments: Int32Array;
  /** Sum over rows of the squared distance to their cluster's centre. */
  inertia: number;
}

function squaredDistance(a: Float64Array, i: number, b: Float64Array, j: number, dims: number): number {
  let s = 0;
  for (let c = 0; c < dims; c++) { const e = a[i * dims + c] - b[j * dims + c]; s += e * e; }
  return s;
}

/** k-means++: each next centre drawn with probability proportional to the squared distance to the nearest centre so far. */
function seedCentres(rows: Float64Array, n: number, dims: number, k: number, next: () => number): Float64Array {
  const centres = new Float64Array(k * dims);
  const uniform = () => next() / 2 ** 32;
  const first = Math.floor(uniform() * n);
  centres.set(rows.subarray(first * dims, (first + 1) * dims), 0);
  const nearest = Float64Array.from({ length: n }, (_, i) => squaredDistance(rows, i, centres, 0, dims));
  for (let c = 1; c < k; c++) {
    const total = nearest.reduce((a, b) => a + b, 0);
    let pick = n - 1;
    if (total > 0) {
      let target = uniform() * total;
      for (let i = 0; i < n; i++) { target -= nearest[i]; if (target < 0) { pick = i; break; } }
    } else pick = Math.floor(uniform() * n);
    centres.set(rows.subarray(pick * dims, (pick + 1) * dims), c * dims);
    for (let i = 0; i < n; i++) nearest[i] = Math.min(nearest[i], squaredDistance(rows, i, centres, c, dims));
  }
  return centres;
}

function lloyd(rows: Float64Array, n: number, dims: number, k: number, centres: Float64Array, maxIterations: number): KMeansResult {
  const assignments = new Int32Array(n).fill(-1);
  let inertia = 0;
  for (let iteration = 0; iteration < maxIterations; iteration++) {
    let changed = false;
    inertia = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const d = squaredDistance(rows, i, centres, c, dims);
        if (d < bestD) { bestD = d; best = c; }
      }
      inertia += bestD;
      if (assignments[i] !== best) { assignments[i] = best; changed = true; }
    }
    if (!changed) break;
    const counts = new Float64Array(k);
    const sums = new Float64Array(k * dims);
    for (let i = 0; i < n; i++) {
      counts[assignments[i]]++;
      for (let c = 0; c < dims; c++) sums[assignments[i] * dims + c] += rows[i * dims + c];
    }
    // An emptied cluster keeps its old centre rather than collapsing to the origin.
    for (let c = 0; c < k; c++) if (counts[c] > 0) for (let j = 0; j < dims; j++) centres[c * dims + j] = sums[c * dims + j] / counts[c];
  }
  return { assignments, inertia };
}

/**
 * Partitions `n = rows.length / dims` rows into `k` clusters.
 *
 * @example
 * kMeans(Float64Array.from([0, 0.1, 5, 5.1]), 1, 2).assignments; // [0, 0, 1, 1] or [1, 1, 0, 0]
 */
export function kMeans(rows: Float64Array, dims: number, k: number, options: KMeansOptions = {}): KMeansResult {
  const n = rows.length / dims;
  if (!Number.isInteger(n) || n < 1) throw new ConvlensError('BAD_INPUT', `k-means needs at least one row of ${dims} values; got ${rows.length} values.`);
  if (!Number.isInteger(k) || k < 1 || k > n) throw new ConvlensError('BAD_OPTION', `k-means needs a whole number of clusters from 1 to the ${n} rows; got ${String(k)}.`);
  const { seed = 1, restarts = 10, maxIterations = 100 } = options;
  if (!Number.isInteger(restarts) || restarts < 1) throw new ConvlensError('BAD_OPTION', `k-means restarts must be a whole number >= 1; got ${String(restarts)}.`);
  const next = seededUint32(seed);
  let best: KMeansResult | undefined;
  for (let r = 0; r < restarts; r++) {
    const result = lloyd(rows, n, dims, k, seedCentres(rows, n, dims, k, next), maxIterations);
    if (!best || result.inertia < best.inertia) best = result;
  }
  return best!;
}
