/**
 * The robustness transformations: the sampler's adjoint is exact (<T x, y> = <x, T' y>), no
 * transformation is the identity, a pure jitter moves pixels by whole pixels, and draws
 * follow the lucid lists.
 */
import { describe, expect, it } from 'vitest';
import { seededNormal, seededUint32 } from '../../src/numeric/seeded-random.js';
import { drawTransforms, noTransforms, sampleImage, sampleImageAdjoint, samplingTable, standardTransforms } from '../../src/synthesis/transforms.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i], 0);

describe('robustness transformations', () => {
  it('have an exact adjoint for every standard draw', () => {
    const next = seededUint32(1);
    const normal = seededNormal(2);
    for (const draw of drawTransforms(next, 6, standardTransforms, [40, 48])) {
      const table = samplingTable(draw, [40, 48], [40, 48]);
      const x = Float32Array.from({ length: 2 * 40 * 48 }, normal);
      const y = Float32Array.from({ length: 2 * 40 * 48 }, normal);
      const lhs = dot(sampleImage(x, 2, table, 0), y);
      const rhs = dot(x, sampleImageAdjoint(y, 2, table));
      expect(Math.abs(lhs - rhs)).toBeLessThan(1e-3 * Math.abs(lhs) + 1e-3);
    }
  });

  it('are the identity when none are drawn, and whole-pixel shifts for a pure jitter', () => {
    const image = Float32Array.from({ length: 5 * 7 }, (_, i) => i);
    const [none] = drawTransforms(seededUint32(3), 1, noTransforms, [5, 7]);
    expect(Array.from(sampleImage(image, 1, samplingTable(none, [5, 7], [5, 7]), -1))).toEqual(Array.from(image));
    // Pad 2, crop 2 smaller at offset (1, 3), centred back into the 5 x 7 frame (1 pixel each
    // side): rows move by -2 + 1 + 1 = 0, columns by -2 + 3 + 1 = 2; past the edge reads the fill.
    const shifted = sampleImage(image, 1, samplingTable({ ...none, pad: 2, jitter: [2, 2], offset: [1, 3] }, [5, 7], [5, 7]), -1);
    for (let u = 0; u < 5; u++) {
      expect(Array.from(shifted.subarray(u * 7, u * 7 + 7))).toEqual([0, 1, 2, 3, 4, 5, 6].map((v) => (v + 2 < 7 ? image[u * 7 + v + 2] : -1)));
    }
  });

  it('draw scales, angles and offsets from the standard lists, scaled to the image size', () => {
    const draws = drawTransforms(seededUint32(4), 200, standardTransforms, [224, 224]);
    expect(new Set(draws.map((d) => d.pad))).toEqual(new Set([12]));
    expect(draws.every((d) => standardTransforms.scales.includes(d.scale) && standardTransforms.degrees.includes(d.degrees))).toBe(true);
    expect(Math.max(...draws.map((d) => d.offset[0]))).toBe(8);
    expect(Math.max(...draws.map((d) => d.finalOffset[1]))).toBe(4);
    expect(drawTransforms(seededUint32(4), 1, standardTransforms, [32, 32])[0].pad).toBe(2);
  });
});
