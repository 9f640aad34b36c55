/** Reading model outputs: class probabilities and the top class (used by methods, reports, the CLI and training). */

/**
 * Softmax of one row of scores, in double precision.
 *
 * @example
 * softmax(Float32Array.of(0, Math.log(3))); // [0.25, 0.75]
 */
export function softmax(scores: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < scores.length; i++) max = Math.max(max, scores[i]);
  const e = Float64Array.from(scores, (s) => Math.exp(s - max));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / total);
}

/**
 * Index of the largest value of row `row` of a row-major `[*, k]` array (first on ties).
 *
 * @example
 * argmaxRow(Float32Array.of(0, 1, 5, 2), 1, 2); // 0 (row 1 is [5, 2])
 */
export function argmaxRow(values: Float32Array, row: number, k: number): number {
  let best = 0;
  for (let c = 1; c < k; c++) if (values[row * k + c] > values[row * k + best]) best = c;
  return best;
}
