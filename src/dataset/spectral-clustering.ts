/**
 * Spectral clustering on a k-nearest-neighbour graph, with the number of clusters read from
 * the eigengap: the clustering step of spectral relevance analysis (Lapuschkin et al. 2019).
 * Points that are each other's near neighbours form groups of the graph; the smallest
 * eigenvalues of the graph's normalized Laplacian count the groups (one eigenvalue near 0 per
 * loosely connected group) and their eigenvectors place each point by its group, where k-means
 * separates them (Ng, Jordan and Weiss 2002).
 */
import { EigenvalueDecomposition, Matrix } from 'ml-matrix';
import { ConvlensError } from '../errors.js';
import { kMeans } from './k-means.js';

export interface SpectralClusteringOptions {
  /** Neighbours per point in the affinity graph; default 10 (fewer when there are few points). */
  neighbours?: number;
  /** The largest number of clusters the eigengap may choose; default 10 (fewer with few points). */
  maxClusters?: number;
  /** A fixed number of clusters instead of the eigengap's choice. */
  clusters?: number;
  /** Seed of k-means; default 1. Same points and seed, same clusters. */
  seed?: number;
}

export interface SpectralClusters {
  /** Cluster of each point: 0 is the largest cluster, then by size (ties: the cluster of the lower point first). */
  assignments: Int32Array;
  /** Points per cluster, largest first. */
  sizes: number[];
  /** The smallest eigenvalues of the normalized Laplacian, ascending (`maxClusters + 1` of them, or `clusters + 1` when more). */
  eigenvalues: number[];
  /** `eigenvalues[k] - eigenvalues[k - 1]` for the chosen k: how clearly the graph splits into k groups. */
  eigengap: number;
}

/**
 * The number of groups the eigenvalues show (`eigenvalues` ascending, at least
 * `maxClusters + 1` of them). One group when the jump after the first eigenvalue is the
 * largest of all; otherwise the k in 2..maxClusters with the largest relative gap
 * `(λ[k+1] - λ[k]) / λ[k+1]`. A relative gap does not drift to the largest k the way the plain
 * gap does when, besides a few groups, the points also spread over a continuum (maps of an
 * object seen at every position), whose eigenvalues keep growing steadily; a group that is
 * cut off from the rest (λ[k] = 0 < λ[k+1]) scores the full 1.
 *
 * @example
 * eigengapClusters([0, 0.01, 0.02, 0.9, 0.95], 4); // 3
 * eigengapClusters([0, 0.9, 0.95, 1, 1], 4);       // 1: no group stands apart
 */
export function eigengapClusters(eigenvalues: readonly number[], maxClusters: number): number {
  if (!Number.isInteger(maxClusters) || maxClusters < 1 || eigenvalues.length < maxClusters + 1) {
    throw new ConvlensError('BAD_INPUT', `The eigengap up to ${maxClusters} clusters needs ${maxClusters + 1} eigenvalues; got ${eigenvalues.length}.`);
  }
  const gap = (k: number) => eigenvalues[k] - eigenvalues[k - 1];
  let widest = 1;
  for (let k = 2; k <= maxClusters; k++) if (gap(k) > gap(widest)) widest = k;
  if (widest === 1) return 1;
  const relative = (k: number) => (eigenvalues[k] > 0 ? gap(k) / eigenvalues[k] : 0);
  let best = 2;
  for (let k = 3; k <= maxClusters; k++) if (relative(k) > relative(best)) best = k;
  return best;
}

/**
 * The symmetric affinity matrix (`n * n`, row-major) of the k-nearest-neighbour graph of
 * `points`: points i and j are joined when either is among the other's `k` nearest, with the
 * weight `exp(-d² / (σi σj))`, where σ is a point's distance to its k-th neighbour (local
 * scaling, Zelnik-Manor and Perona 2004), so dense and sparse groups are joined alike.
 *
 * @example
 * const w = knnAffinity(Float64Array.from([0, 0.1, 5, 5.1]), 1, 1);
 * w[0 * 4 + 1] > 0; w[0 * 4 + 2] === 0; // true, true
 */
export function knnAffinity(points: Float64Array, dims: number, k: number): Float64Array {
  const n = points.length / dims;
  if (!Number.isInteger(n) || !Number.isInteger(k) || k < 1 || k >= n) {
    throw new ConvlensError('BAD_INPUT', `A ${k}-nearest-neighbour graph needs more than ${k} points of ${dims} values; got ${points.length / dims}.`);
  }
  const d2 = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      let s = 0;
      for (let c = 0; c < dims; c++) { const e = points[i * dims + c] - points[j * dims + c]; s += e * e; }
      d2[i * n + j] = s;
      d2[j * n + i] = s;
    }
  }
  const neighbours: number[][] = [];
  const sigma = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const order = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
    order.sort((a, b) => d2[i * n + a] - d2[i * n + b] || a - b);
    neighbours.push(order.slice(0, k));
    sigma[i] = Math.sqrt(d2[i * n + order[k - 1]]);
  }
  // Identical points have σ = 0; a floor keeps their weight at 1 instead of 0/0.
  const floor = Math.max(1e-12, 1e-9 * Math.max(...sigma));
  const w = new Float64Array(n * n);
  neighbours.forEach((list, i) => {
    for (const j of list) {
      const v = Math.exp(-d2[i * n + j] / (Math.max(sigma[i], floor) * Math.max(sigma[j], floor)));
      w[i * n + j] = v;
      w[j * n + i] = v;
    }
  });
  return w;
}

/**
 * Clusters the `n` points of a symmetric `n * n` affinity matrix: eigenvectors of the
 * normalized Laplacian `I - D^-1/2 W D^-1/2` for its smallest eigenvalues (ml-matrix's
 * symmetric eigendecomposition, O(n³)), rows scaled to unit length, then seeded k-means.
 *
 * @example
 * const { assignments, sizes } = clusterAffinity(knnAffinity(points, dims, 10), { seed: 1 });
 */
export function clusterAffinity(affinity: Float64Array, options: SpectralClusteringOptions = {}): SpectralClusters {
  const n = Math.round(Math.sqrt(affinity.length));
  if (n * n !== affinity.length || n < 2) throw new ConvlensError('BAD_INPUT', `Spectral clustering needs a square affinity matrix of at least 2 points; got ${affinity.length} values.`);
  if (!affinity.every((v) => Number.isFinite(v) && v >= 0)) throw new ConvlensError('NON_FINITE', 'The affinity matrix holds negative, NaN or infinite values; affinities are similarities >= 0.');
  const maxClusters = Math.min(options.maxClusters ?? 10, n - 1);
  if (!Number.isInteger(maxClusters) || maxClusters < 1) throw new ConvlensError('BAD_OPTION', `maxClusters must be a whole number >= 1; got ${String(options.maxClusters)}.`);
  if (options.clusters !== undefined && !(Number.isInteger(options.clusters) && options.clusters >= 1 && options.clusters < n)) {
    throw new ConvlensError('BAD_OPTION', `clusters must be a whole number from 1 to ${n - 1} (one less than the points); got ${String(options.clusters)}.`);
  }
  const scale = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let degree = 0;
    for (let j = 0; j < n; j++) degree += affinity[i * n + j];
    scale[i] = degree > 0 ? 1 / Math.sqrt(degree) : 0;
  }
  const normalized = new Matrix(n, n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) normalized.set(i, j, scale[i] * affinity[i * n + j] * scale[j]);
  // The Laplacian's smallest eigenvalues are 1 minus the normalized affinity's largest.
  const evd = new EigenvalueDecomposition(normalized, { assumeSymmetric: true });
  const order = evd.realEigenvalues.map((mu, i) => ({ lambda: 1 - mu, i })).sort((a, b) => a.lambda - b.lambda || a.i - b.i);
  // Eigenvalues within rounding of 0 are 0, so that cut-off groups count exactly.
  const eigenvalues = order.slice(0, Math.max(maxClusters, options.clusters ?? 0) + 1).map((e) => (e.lambda < 1e-10 ? 0 : e.lambda));
  const k = options.clusters ?? eigengapClusters(eigenvalues, maxClusters);
  const vectors = evd.eigenvectorMatrix;
  const rows = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let c = 0; c < k; c++) { const v = vectors.get(i, order[c].i); rows[i * k + c] = v; norm += v * v; }
    if (norm > 0) for (let c = 0; c < k; c++) rows[i * k + c] /= Math.sqrt(norm);
  }
  const raw = kMeans(rows, k, k, { seed: options.seed }).assignments;
  return { ...bySize(raw, k), eigenvalues, eigengap: eigenvalues[k] - eigenvalues[k - 1] };
}

/** Renumbers clusters so that 0 is the largest; empty clusters are dropped. */
function bySize(raw: Int32Array, k: number): { assignments: Int32Array; sizes: number[] } {
  const counts = new Array<number>(k).fill(0);
  const first = new Array<number>(k).fill(Infinity);
  raw.forEach((c, i) => { counts[c]++; first[c] = Math.min(first[c], i); });
  const ranked = Array.from({ length: k }, (_, c) => c).filter((c) => counts[c] > 0).sort((a, b) => counts[b] - counts[a] || first[a] - first[b]);
  const rank = new Int32Array(k);
  ranked.forEach((c, r) => { rank[c] = r; });
  return { assignments: raw.map((c) => rank[c]), sizes: ranked.map((c) => counts[c]) };
}

/**
 * Spectral clustering of `n = points.length / dims` points: {@link knnAffinity} then
 * {@link clusterAffinity}.
 *
 * @example
 * const result = spectralClustering(maps, 16 * 16, { seed: 1 });
 * result.sizes;       // e.g. [41, 12]: two strategies, the larger first
 * result.eigenvalues; // the eigengap after the second says "two"
 */
export function spectralClustering(points: Float64Array, dims: number, options: SpectralClusteringOptions = {}): SpectralClusters {
  const n = points.length / dims;
  if (!Number.isInteger(n) || n < 3) throw new ConvlensError('BAD_INPUT', `Spectral clustering needs at least 3 points; got ${Number.isInteger(n) ? n : 'a ragged array'}.`);
  if (!points.every(Number.isFinite)) throw new ConvlensError('NON_FINITE', 'The points hold NaN or infinite values; check the maps they come from.');
  const neighbours = options.neighbours ?? Math.min(10, n - 1);
  if (!Number.isInteger(neighbours) || neighbours < 1 || neighbours >= n) {
    throw new ConvlensError('BAD_OPTION', `neighbours must be a whole number from 1 to ${n - 1} (one less than the points); got ${String(options.neighbours)}.`);
  }
  return clusterAffinity(knnAffinity(points, dims, neighbours), options);
}
