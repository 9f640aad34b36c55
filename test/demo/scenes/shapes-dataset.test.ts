/**
 * The shapes dataset: balanced classes, reproducible bytes, and outlines that really differ
 * between classes (same seed, same colours and pose, different shape).
 */
import { describe, expect, it } from 'vitest';
import { ConvlensError } from '../../../src/errors.js';
import { shapeClassNames, type ShapeClass } from '../../../src/demo/scenes/shape-outlines.js';
import { shapeScene, shapesDataset } from '../../../src/demo/scenes/shapes-dataset.js';

const bytes = (data: Uint8ClampedArray) => Buffer.from(data);

describe('shapesDataset', () => {
  it('has ten distinct classes, each equally often', () => {
    expect(new Set(shapeClassNames).size).toBe(10);
    const d = shapesDataset({ count: 205, seed: 1 });
    expect(d.classNames).toEqual(shapeClassNames);
    const counts = Array(10).fill(0);
    for (const l of d.labels) counts[l]++;
    expect(counts).toEqual([21, 21, 21, 21, 21, 20, 20, 20, 20, 20]);
    expect(d.labels.slice(0, 10)).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(d.images.every((img) => img.width === 32 && img.data.length === 32 * 32 * 3)).toBe(true);
  });

  it('repeats its bytes for a seed and differs for another', () => {
    const a = shapesDataset({ count: 20, seed: 4, size: 48 });
    const b = shapesDataset({ count: 20, seed: 4, size: 48 });
    expect(b.labels).toEqual(a.labels);
    expect(a.images.every((img, i) => bytes(img.data).equals(bytes(b.images[i].data)))).toBe(true);
    expect(bytes(shapesDataset({ count: 1, seed: 5 }).images[0].data).equals(bytes(shapesDataset({ count: 1, seed: 4 }).images[0].data))).toBe(false);
  });

  it('draws a different outline for every class at the same pose and colours', () => {
    for (const seed of [0, 1, 2]) {
      const images = shapeClassNames.map((shape) => shapeScene(seed, { shape }));
      const differing = (i: number, j: number) => {
        let n = 0;
        for (let p = 0; p < images[i].data.length; p += 3) if (images[i].data[p] !== images[j].data[p] || images[i].data[p + 1] !== images[j].data[p + 1]) n++;
        return n;
      };
      for (let i = 0; i < 10; i++) for (let j = i + 1; j < 10; j++) expect(differing(i, j)).toBeGreaterThan(8);
    }
  });

  it('makes the shape stand out from its background', () => {
    // A ring and a circle share everything but the hole: the hole shows the background.
    const ring = shapeScene(3, { shape: 'ring' });
    const circle = shapeScene(3, { shape: 'circle' });
    let maxDiff = 0;
    for (let p = 0; p < ring.data.length; p += 3) {
      const d = Math.abs(ring.data[p] - circle.data[p]) + Math.abs(ring.data[p + 1] - circle.data[p + 1]) + Math.abs(ring.data[p + 2] - circle.data[p + 2]);
      maxDiff = Math.max(maxDiff, d);
    }
    expect(maxDiff).toBeGreaterThan(60);
  });

  it('rejects an unknown shape and bad sizes with a ConvlensError', () => {
    expect(() => shapeScene(0, { shape: 'blob' as ShapeClass })).toThrow(ConvlensError);
    expect(() => shapesDataset({ count: 3, seed: 0, size: 2 })).toThrow(/size/);
    expect(() => shapesDataset({ count: 1.5, seed: 0 })).toThrow(/count/);
  });
});
