import { describe, expect, it } from 'vitest';
import { cropToMask, drawBox, maskBoundingBox, thresholdMask } from '../../src/image/mask.js';

describe('derived views of a heatmap', () => {
  // 4 x 3 map with a hot 2 x 2 block at columns 1-2, rows 1-2.
  const map = Float32Array.from([0, 0.1, 0.2, 0, 0.1, 0.9, 0.8, 0.3, 0, 0.7, 1, 0.2]);

  it('thresholds by value and by top fraction', () => {
    expect(Array.from(thresholdMask(map))).toEqual([0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0]);
    expect(Array.from(thresholdMask(map, { topFraction: 2 / 12 }))).toEqual([0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]);
    expect(() => thresholdMask(map, { topFraction: 0 })).toThrow(/topFraction/);
  });

  it('finds the bounding box and crops the masked region', () => {
    const mask = thresholdMask(map);
    expect(maskBoundingBox(mask, 4, 3)).toEqual({ x: 1, y: 1, width: 2, height: 2 });
    expect(maskBoundingBox(new Uint8Array(12), 4, 3)).toBeNull();
    const image = { width: 4, height: 3, data: Uint8ClampedArray.from({ length: 36 }, (_, i) => i) };
    const crop = cropToMask(image, Uint8Array.from([0, 0, 0, 0, 0, 1, 1, 0, 0, 0, 1, 0]));
    expect(crop.width).toBe(2);
    expect(crop.height).toBe(2);
    // Pixel (1,1) is index 5 -> bytes 15..17; (2,2) index 10; (1,2) is outside the mask -> black.
    expect(Array.from(crop.data)).toEqual([15, 16, 17, 18, 19, 20, 0, 0, 0, 30, 31, 32]);
    expect(() => cropToMask(image, new Uint8Array(12))).toThrow(/empty/);
  });

  it('draws a box outline without touching the inside', () => {
    const image = { width: 5, height: 5, data: new Uint8ClampedArray(75) };
    const boxed = drawBox(image, { x: 1, y: 1, width: 3, height: 3 }, [9, 9, 9]);
    const at = (x: number, y: number) => boxed.data[(y * 5 + x) * 3];
    expect([at(1, 1), at(3, 3), at(2, 1), at(2, 2), at(0, 0)]).toEqual([9, 9, 9, 0, 0]);
    expect(image.data.every((v) => v === 0)).toBe(true);
  });
});
