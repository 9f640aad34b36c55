/**
 * The lowest and highest of `values`, NaN skipped; `[Infinity, -Infinity]` when there is no
 * number at all.
 *
 * @example
 * valueRange(Float32Array.of(2, -1, NaN, 5)); // [-1, 5]
 */
export function valueRange(values: ArrayLike<number>): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return [lo, hi];
}
