/** Finding NaN and infinities in float data. */

/**
 * Index of the first value of `data` that is NaN or infinite, or -1 when all are finite.
 *
 * @example
 * firstNonFinite(Float32Array.of(1, NaN)); // 1
 */
export function firstNonFinite(data: Float32Array): number {
  // x - x is 0 for every finite x and NaN for NaN and the infinities; faster than Number.isFinite.
  for (let i = 0; i < data.length; i++) if (data[i] - data[i] !== 0) return i;
  return -1;
}
