import { describe, expect, it } from 'vitest';
import { applyColormap, colormapNames, colormapTable, normalizeMap } from '../../src/image/colormap.js';
import { percentile } from '../../src/image/percentile.js';

const colour = (name: Parameters<typeof applyColormap>[3], v: number, range?: [number, number]): number[] =>
  Array.from(applyColormap(new Float32Array([v]), 1, 1, name, range).data);

describe('colormaps', () => {
  it('jet runs from dark blue through green to dark red', () => {
    expect(colour('jet', 0)).toEqual([0, 0, 128]); // (0, 0, 0.5)
    expect(colour('jet', 1)).toEqual([128, 0, 0]); // (0.5, 0, 0)
    // t = 0.5: red (0.5 - 0.35) / 0.31 = 0.4839 -> 123, green 1, blue 1 - (0.5 - 0.34) / 0.31 = 0.4839 -> 123
    expect(colour('jet', 0.5)).toEqual([123, 255, 123]);
    // t = 0.125: red 0, green 0 (ramp starts at 0.125), blue 1 (plateau from 0.11)
    expect(colour('jet', 0.125)).toEqual([0, 0, 255]);
  });

  it('viridis and inferno hit the published endpoint colours', () => {
    expect(colour('viridis', 0)).toEqual([68, 1, 84]); // #440154
    expect(colour('viridis', 1)).toEqual([253, 231, 37]); // #fde725
    expect(colour('inferno', 0)).toEqual([0, 0, 4]); // #000004
    expect(colour('inferno', 1)).toEqual([252, 255, 164]); // #fcffa4
    // t = 0.5 lies halfway between entries 127 (0.128729, 0.563265, 0.551229) and 128 (0.127568, 0.566949,
    // 0.550556) of the full 256-colour table: (0.128149, 0.565107, 0.550893) * 255 = (32.7, 144.1, 140.5)
    expect(colour('viridis', 0.5)).toEqual([33, 144, 140]);
    // inferno entry 136 (0.780517, 0.243327, 0.299523), between control points 128 and 144: t = 136 / 255
    expect(colour('inferno', 136 / 255).map((v, c) => Math.abs(v - [199.03, 62.05, 76.38][c]) <= 1.5)).toEqual([true, true, true]);
  });

  it('gray is linear and bwr is white at its centre', () => {
    expect(colour('gray', 0)).toEqual([0, 0, 0]);
    expect(colour('gray', 1)).toEqual([255, 255, 255]);
    expect(colour('gray', 0.25)).toEqual([64, 64, 64]); // 0.25 * 255 = 63.75
    expect(colour('bwr', -1, [-1, 1])).toEqual([0, 0, 255]);
    expect(colour('bwr', 0, [-1, 1])).toEqual([255, 255, 255]);
    expect(colour('bwr', 1, [-1, 1])).toEqual([255, 0, 0]);
    expect(colour('bwr', 0.5, [-1, 1])).toEqual([255, 128, 128]); // halfway white -> red: 1 - 0.5 = 0.5
  });

  it('clamps values outside the range and shows NaN as the low end', () => {
    expect(colour('jet', -3)).toEqual(colour('jet', 0));
    expect(colour('jet', 7)).toEqual(colour('jet', 1));
    expect(colour('jet', NaN)).toEqual(colour('jet', 0));
    expect(colour('gray', 5, [0, 10])).toEqual([128, 128, 128]); // 0.5 -> entry 128 of 256
  });

  it('every colormap has 257 entries and is continuous (no jumps above 12 levels between neighbours)', () => {
    for (const name of colormapNames) {
      const lut = colormapTable(name);
      expect(lut.length).toBe(257 * 3);
      for (let i = 3; i < lut.length; i++) expect(Math.abs(lut[i] - lut[i - 3])).toBeLessThanOrEqual(12);
    }
  });

  it('lays out pixels row-major and rejects bad names, sizes and ranges', () => {
    const img = applyColormap(new Float32Array([0, 1, 1, 0, 0, 0]), 3, 2, 'gray');
    expect([img.width, img.height]).toEqual([3, 2]);
    expect(Array.from(img.data.filter((_, i) => i % 3 === 0))).toEqual([0, 255, 255, 0, 0, 0]);
    expect(() => applyColormap(new Float32Array(4), 2, 2, 'hot' as never)).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    expect(() => applyColormap(new Float32Array(5), 2, 2)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => applyColormap(new Float32Array(4), 2, 2, 'jet', [1, 1])).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
  });
});

describe('percentile', () => {
  it('interpolates between order statistics like numpy', () => {
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    expect(percentile([1, 2, 3, 4], 0)).toBe(1);
    expect(percentile([1, 2, 3, 4], 100)).toBe(4);
    expect(percentile([10, 20], 25)).toBe(12.5);
    expect(percentile(Float32Array.from({ length: 101 }, (_, i) => 100 - i), 99)).toBeCloseTo(99, 10);
    expect(percentile([NaN, 1, Infinity, 3], 50)).toBe(2); // non-finite ignored
    expect(percentile([], 50)).toBe(0);
  });
});

describe('normalizeMap', () => {
  it('minmax maps min to 0 and max to 1', () => {
    expect(Array.from(normalizeMap(new Float32Array([2, 4, 6, 3])))).toEqual([0, 0.5, 1, 0.25]);
  });

  it('percentile clips the tails before stretching', () => {
    // 0..100: the 1st and 99th percentiles are 1 and 99
    const values = Float32Array.from({ length: 101 }, (_, i) => i);
    const out = normalizeMap(values, { mode: 'percentile', percentile: 99 });
    expect(out[0]).toBe(0);
    expect(out[1]).toBe(0);
    expect(out[50]).toBeCloseTo(49 / 98, 6);
    expect(out[99]).toBe(1);
    expect(out[100]).toBe(1);
  });

  it('gives zeros for constant or empty maps and for NaN entries', () => {
    expect(Array.from(normalizeMap(new Float32Array([3, 3, 3])))).toEqual([0, 0, 0]);
    expect(Array.from(normalizeMap(new Float32Array([NaN, 0, 2])))).toEqual([0, 0, 1]);
    expect(() => normalizeMap(new Float32Array(3), { mode: 'percentile', percentile: 30 }))
      .toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
  });
});
