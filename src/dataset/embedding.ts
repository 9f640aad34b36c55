/**
 * Feature embeddings: rows of features projected to two dimensions by PCA alone or by PCA
 * then UMAP, and the two scores that say how far to trust the picture.
 */
import { PCA } from 'ml-pca';
import { UMAP } from 'umap-js';
import { ConvlensError } from '../errors.js';
import { seededUint32 } from '../numeric/seeded-random.js';
import { nearestNeighbours } from './neighbours.js';
import { tsne } from './tsne.js';

export { nearestNeighbours };

export type EmbeddingMethod = 'umap' | 'tsne' | 'pca';

/**
 * How feature rows are compared. `'cosine'` scales each row to unit length first: pooled
 * ReLU features grow with contrast and object size, and the direction says more about what
 * the layer saw than the length does.
 */
export type FeatureDistance = 'cosine' | 'euclidean';

export interface EmbedOptions {
  /** Default `'umap'`. */
  method?: EmbeddingMethod;
  /** Seed of UMAP's neighbour search and layout, or of t-SNE's initial layout; default 1. */
  seed?: number;
  /** Principal components kept before UMAP (at most the features' count); default 50. */
  pcaComponents?: number;
  /** UMAP's neighbourhood size; default 15 (fewer when there are few points). */
  neighbors?: number;
  /** Default `'cosine'`. */
  distance?: FeatureDistance;
}

/**
 * The rows as the embedding compares them: unchanged for `'euclidean'`, scaled to unit length
 * for `'cosine'` (all-zero rows stay zero). Measure neighbour preservation on these rows.
 *
 * @example
 * const space = featureSpace(features.values, features.dims, 'cosine');
 * neighbourPreservation(space, features.dims, embedFeatures(features.values, features.dims));
 */
export function featureSpace(values: Float64Array, dims: number, distance: FeatureDistance = 'cosine'): Float64Array {
  if (distance !== 'cosine' && distance !== 'euclidean') {
    throw new ConvlensError('BAD_OPTION', `The feature distance must be "cosine" or "euclidean"; got ${JSON.stringify(distance)}.`);
  }
  if (distance === 'euclidean') return values;
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i += dims) {
    let sum = 0;
    for (let j = i; j < i + dims; j++) sum += values[j] * values[j];
    const scale = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let j = i; j < i + dims; j++) out[j] = values[j] * scale;
  }
  return out;
}

/** The smallest dataset an embedding accepts: fewer points leave no neighbourhoods to keep. */
export const MIN_EMBED_POINTS = 12;

function rowsOf(values: Float64Array, dims: number): number[][] {
  const n = values.length / dims;
  return Array.from({ length: n }, (_, i) => Array.from(values.subarray(i * dims, (i + 1) * dims)));
}

/**
 * The first `components` principal-component scores of `rows` (centred, not scaled), each
 * component's sign fixed so that its largest loading is positive: the same data always
 * gives the same scores.
 *
 * @example
 * pcaScores([[0, 0], [1, 1], [2, 2]], 1); // [[-1.414...], [0], [1.414...]]
 */
export function pcaScores(rows: number[][], components: number): number[][] {
  const n = rows.length;
  const dims = rows[0].length;
  const k = Math.min(components, dims, n);
  const mean = new Float64Array(dims);
  for (const r of rows) for (let j = 0; j < dims; j++) mean[j] += r[j] / n;
  // The covariance (n·d², typed arrays) then ml-pca's symmetric eigendecomposition (d³): at
  // thousands of images far faster than an SVD of the n×d data, and exact all the same.
  const cov = new Float64Array(dims * dims);
  const centred = new Float64Array(dims);
  for (const r of rows) {
    for (let j = 0; j < dims; j++) centred[j] = r[j] - mean[j];
    for (let a = 0; a < dims; a++) {
      const ca = centred[a];
      for (let b = a; b < dims; b++) cov[a * dims + b] += ca * centred[b];
    }
  }
  const matrix = Array.from({ length: dims }, (_, a) => Array.from({ length: dims }, (_, b) => (a <= b ? cov[a * dims + b] : cov[b * dims + a]) / Math.max(1, n - 1)));
  const loadings = new PCA(matrix, { isCovarianceMatrix: true }).getLoadings().to2DArray().slice(0, k);
  for (const l of loadings) {
    const big = l.reduce((m, v) => (Math.abs(v) > Math.abs(m) ? v : m), 0);
    if (big < 0) l.forEach((v, j) => { l[j] = -v; });
  }
  return rows.map((r) => loadings.map((l) => l.reduce((s, v, j) => s + v * (r[j] - mean[j]), 0)));
}

/**
 * Projects `n = values.length / dims` feature rows to 2-D: PCA's first two components, or
 * UMAP (umap-js, seeded) or Barnes-Hut t-SNE on the first principal components, all of the
 * rows in their `featureSpace`. Returns `n * 2` coordinates.
 *
 * @example
 * const xy = embedFeatures(features.values, features.dims, { method: 'umap', seed: 3 });
 * [xy[0], xy[1]]; // the first image's position
 */
export function embedFeatures(values: Float64Array, dims: number, options: EmbedOptions = {}): Float64Array {
  const method = options.method ?? 'umap';
  if (method !== 'umap' && method !== 'tsne' && method !== 'pca') {
    throw new ConvlensError('BAD_OPTION', `The embedding method must be "umap", "tsne" or "pca"; got ${JSON.stringify(method)}.`);
  }
  const n = values.length / dims;
  if (!Number.isInteger(n) || n < MIN_EMBED_POINTS) {
    throw new ConvlensError('BAD_INPUT', `An embedding needs at least ${MIN_EMBED_POINTS} images; got ${Number.isInteger(n) ? n : 'a ragged feature array'}. Use a larger dataset.`);
  }
  if (!values.every(Number.isFinite)) throw new ConvlensError('NON_FINITE', 'The features hold NaN or infinite values; check the model and its preprocessing.');
  const rows = rowsOf(featureSpace(values, dims, options.distance), dims);
  const scores = pcaScores(rows, method === 'pca' ? 2 : options.pcaComponents ?? 50);
  const out = new Float64Array(n * 2);
  if (method === 'pca') {
    scores.forEach((r, i) => { out[i * 2] = r[0]; out[i * 2 + 1] = r[1] ?? 0; });
    return out;
  }
  if (method === 'tsne') {
    const reduced = Float64Array.from(scores.flat());
    return tsne(reduced, reduced.length / n, { seed: options.seed });
  }
  const next = seededUint32(options.seed ?? 1);
  const umap = new UMAP({ nComponents: 2, nNeighbors: Math.min(options.neighbors ?? 15, n - 1), random: () => next() / 2 ** 32 });
  umap.fit(scores).forEach((r, i) => { out[i * 2] = r[0]; out[i * 2 + 1] = r[1]; });
  return out;
}

/**
 * The share of each point's `k` nearest neighbours in feature space that are also among its
 * `k` nearest in the 2-D embedding, averaged over points (1: every neighbourhood kept).
 *
 * @example
 * neighbourPreservation(features.values, features.dims, xy); // e.g. 0.41
 */
export function neighbourPreservation(values: Float64Array, dims: number, xy: Float64Array, k = 10): number {
  const high = nearestNeighbours(values, dims, k);
  const low = nearestNeighbours(xy, 2, k);
  let kept = 0;
  high.forEach((h, i) => { const l = new Set(low[i]); kept += h.filter((j) => l.has(j)).length; });
  return kept / (high.length * k);
}

/**
 * The share of each point's `k` nearest neighbours in 2-D that carry its own label, averaged
 * over points: how cleanly the classes separate in the picture.
 *
 * @example
 * classPurity(xy, labels); // 0.97 when classes form their own islands
 */
export function classPurity(xy: Float64Array, labels: readonly number[], k = 10): number {
  if (labels.length !== xy.length / 2) throw new ConvlensError('BAD_INPUT', `classPurity needs one label per point; got ${labels.length} labels for ${xy.length / 2} points.`);
  const low = nearestNeighbours(xy, 2, k);
  let same = 0;
  low.forEach((l, i) => { same += l.filter((j) => labels[j] === labels[i]).length; });
  return same / (labels.length * k);
}
