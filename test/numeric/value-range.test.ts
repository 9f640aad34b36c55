import { describe, expect, it } from 'vitest';
import { valueRange } from '../../src/numeric/value-range.js';
import { seededNormal } from '../../src/numeric/seeded-random.js';

/** One comparison per value, in order: the definition valueRange must agree with. */
function scanned(values: Float32Array, start: number, end: number): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = start; i < end; i++) {
    if (Number.isNaN(values[i])) continue;
    lo = Math.min(lo, values[i]);
    hi = Math.max(hi, values[i]);
  }
  return [lo, hi];
}

describe('valueRange', () => {
  const random = seededNormal(11);
  const values = Float32Array.from({ length: 101 }, () => random() * 5);
  values[17] = NaN;
  values[40] = Infinity;
  values[41] = NaN;

  it('equals a value-by-value scan for every start and end, odd and even lengths, NaN skipped', () => {
    for (let start = 0; start <= values.length; start += 3) {
      for (let end = start; end <= values.length; end += 1) expect(valueRange(values, start, end), `[${start}, ${end})`).toEqual(scanned(values, start, end));
    }
  });

  it('finds a lowest value in either half of a pair, and gives [Infinity, -Infinity] for no numbers', () => {
    expect(valueRange(Float32Array.of(3, -7, 2, 9))).toEqual([-7, 9]);
    expect(valueRange(Float32Array.of(-7, 3, 9, 2, 1))).toEqual([-7, 9]);
    expect(valueRange(Float32Array.of(NaN, NaN, NaN))).toEqual([Infinity, -Infinity]);
    expect(valueRange(new Float32Array(0))).toEqual([Infinity, -Infinity]);
    expect(valueRange([4, -1, 8])).toEqual([-1, 8]);
  });
});
