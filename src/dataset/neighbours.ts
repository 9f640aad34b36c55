/** Brute-force nearest neighbours: the reference the embedding scores and t-SNE's affinities use. */
import { ConvlensError } from '../errors.js';

/**
 * Each row's `k` nearest other rows by Euclidean distance, by brute force (ties to the lower index).
 *
 * @example
 * nearestNeighbours(Float64Array.from([0, 1, 3]), 1, 1); // [[1], [0], [1]]
 */
export function nearestNeighbours(values: Float64Array, dims: number, k: number): number[][] {
  const n = values.length / dims;
  if (k >= n) throw new ConvlensError('BAD_INPUT', `${k} nearest neighbours need at least ${k + 1} points; got ${n}.`);
  return Array.from({ length: n }, (_, i) => {
    const d = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let c = 0; c < dims; c++) { const e = values[i * dims + c] - values[j * dims + c]; s += e * e; }
      d[j] = s;
    }
    const order = Array.from({ length: n }, (_, j) => j).filter((j) => j !== i);
    order.sort((a, b) => d[a] - d[b] || a - b);
    return order.slice(0, k);
  });
}
