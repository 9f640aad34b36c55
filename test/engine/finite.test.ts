import { describe, expect, it } from 'vitest';
import { firstNonFinite } from '../../src/engine/finite.js';
import { seededNormal } from '../../src/numeric/seeded-random.js';

/** The index a test per value finds. */
const bruteForce = (data: Float32Array) => data.findIndex((v) => !Number.isFinite(v));

describe('firstNonFinite', () => {
  it('finds the first NaN or infinity wherever it sits (block edges, the tail) as a test per value does', () => {
    const lengths = [0, 1, 3, 4, 5, 4095, 4096, 4097, 8192 + 7];
    const bad = [NaN, Infinity, -Infinity];
    const random = seededNormal(7);
    for (const n of lengths) {
      const clean = Float32Array.from({ length: n }, () => random() * 1e30);
      expect(firstNonFinite(clean), `clean, length ${n}`).toBe(-1);
      for (const at of [0, 1, 2, 3, n - 1, n - 2, 4095, 4096, 4100].filter((i) => i >= 0 && i < n)) {
        for (const v of bad) {
          const data = clean.slice();
          data[at] = v;
          // A second bad value later must not hide the first.
          if (at + 5 < n) data[at + 5] = NaN;
          expect(firstNonFinite(data), `${v} at ${at} of ${n}`).toBe(bruteForce(data));
        }
      }
    }
    // Largest finite floats, negative zero and subnormals are finite.
    expect(firstNonFinite(Float32Array.of(3.4028234663852886e38, -3.4028234663852886e38, -0, 1e-45))).toBe(-1);
  });
});
