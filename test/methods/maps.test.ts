import { describe, expect, it } from 'vitest';
import { maxAbsOverChannels, normalizeItems, normalizeItemsInPlace } from '../../src/methods/maps.js';
import { seededNormal } from '../../src/numeric/seeded-random.js';

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

describe('maxAbsOverChannels', () => {
  it('equals a per-pixel Math.abs maximum over channels, passing over NaN and keeping infinities', () => {
    const [M, C, H, W] = [2, 3, 4, 5];
    const random = seededNormal(3);
    const data = Float32Array.from({ length: M * C * H * W }, () => random() * 10);
    // Special values: a NaN beside finite ones, a NaN alone in its pixel's channels, -Infinity, -0 and subnormals.
    data[0] = NaN;
    for (let c = 0; c < C; c++) data[(0 * C + c) * H * W + 7] = NaN;
    data[(1 * C + 2) * H * W + 3] = -Infinity;
    for (let c = 0; c < C; c++) data[(1 * C + c) * H * W + 9] = c === 1 ? -0 : -1e-45;
    const out = maxAbsOverChannels({ data, shape: [M, C, H, W] });
    expect(out.shape).toEqual([M, H, W]);
    for (let m = 0; m < M; m++) {
      for (let i = 0; i < H * W; i++) {
        let best = 0;
        for (let c = 0; c < C; c++) {
          const v = Math.abs(data[(m * C + c) * H * W + i]);
          if (v > best) best = v;
        }
        expect(out.data[m * H * W + i], `item ${m}, pixel ${i}`).toBe(best);
      }
    }
    expect(out.data[7]).toBe(0);
    expect(out.data[H * W + 3]).toBe(Infinity);
    expect(out.data[H * W + 9]).toBe(Math.fround(1e-45));
  });
});
