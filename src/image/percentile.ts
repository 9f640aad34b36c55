/** Percentiles of float data, the robust range behind map normalization and saliency images. */
import { ConvlensError } from '../errors.js';

/**
 * The `p`-th percentile (0..100) of the finite entries of `values`, interpolating linearly
 * between order statistics (NumPy's default `np.percentile` method). NaN and infinities are
 * ignored; an input without finite values gives 0.
 *
 * @example
 * percentile([1, 2, 3, 4], 50); // 2.5
 */
export function percentile(values: ArrayLike<number>, p: number): number {
  if (!(p >= 0 && p <= 100)) {
    throw new ConvlensError('BAD_OPTION', `A percentile must be between 0 and 100, got ${String(p)}.`);
  }
  const sorted = finiteSorted(values);
  return percentileOfSorted(sorted, p);
}

/**
 * Finite entries of `values`, sorted ascending, for taking several percentiles at once.
 *
 * @example
 * const sorted = finiteSorted(map);
 * const [lo, hi] = [percentileOfSorted(sorted, 1), percentileOfSorted(sorted, 99)];
 */
export function finiteSorted(values: ArrayLike<number>): Float64Array {
  const finite = new Float64Array(values.length);
  let n = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (Number.isFinite(v)) finite[n++] = v;
  }
  return finite.subarray(0, n).sort();
}

/**
 * Percentile of data already sorted ascending (see {@link percentile}).
 *
 * @example
 * percentileOfSorted(new Float64Array([1, 2, 3, 4]), 50); // 2.5
 */
export function percentileOfSorted(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const pos = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
