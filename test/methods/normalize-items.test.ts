import { describe, expect, it } from 'vitest';
import { normalizeItems, normalizeItemsInPlace } from '../../src/methods/maps.js';

describe('per-item [0, 1] scaling', () => {
  const shape = [3, 2, 3];
  const values = [
    [4, -2, 0.5, 7, 1, -2], // min -2, max 7
    [5, 5, 5, 5, 5, 5], // constant: all 0
    [0, 1e-3, 2e-3, 3e-3, 4e-3, 5e-3],
  ];
  // Written out by hand from each item's min and max.
  const expected = [
    [6 / 9, 0, 2.5 / 9, 1, 3 / 9, 0],
    [0, 0, 0, 0, 0, 0],
    [0, 0.2, 0.4, 0.6, 0.8, 1],
  ].flat();

  it('normalizeItems returns a new tensor and leaves its input as it was', () => {
    const t = { data: Float32Array.from(values.flat()), shape };
    const out = normalizeItems(t);
    expect(Array.from(t.data)).toEqual(Array.from(Float32Array.from(values.flat())));
    expect(out.shape).toEqual(shape);
    out.data.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
  });

  it('normalizeItemsInPlace writes the same values over its input', () => {
    const t = { data: Float32Array.from(values.flat()), shape };
    const copy = normalizeItems(t);
    const out = normalizeItemsInPlace(t);
    expect(out.data).toBe(t.data);
    expect(Array.from(out.data)).toEqual(Array.from(copy.data));
  });
});
