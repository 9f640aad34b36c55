/**
 * Tank datasets: the biased split ties the sky to the label perfectly, the balanced split
 * makes them independent, both with exact counts, reproducible bytes and no scene shared
 * between splits.
 */
import { describe, expect, it } from 'vitest';
import { ConvlensError } from '../../../src/errors.js';
import { tankDataset } from '../../../src/demo/scenes/tank-dataset.js';

const combos = (d: ReturnType<typeof tankDataset>) => {
  const counts: Record<string, number> = {};
  d.labels.forEach((l, i) => { counts[`${l}-${d.sky[i]}`] = (counts[`${l}-${d.sky[i]}`] ?? 0) + 1; });
  return counts;
};

describe('tankDataset', () => {
  const biased = tankDataset({ split: 'biased', count: 40, seed: 5 });
  const balanced = tankDataset({ split: 'balanced', count: 40, seed: 5 });

  it('ties every tank to the bright sky in the biased split', () => {
    expect(combos(biased)).toEqual({ '1-bright': 20, '0-overcast': 20 });
    const flipped = tankDataset({ split: 'biased', count: 10, seed: 5, tankSky: 'overcast' });
    expect(combos(flipped)).toEqual({ '1-overcast': 5, '0-bright': 5 });
  });

  it('makes sky and label independent in the balanced split', () => {
    expect(combos(balanced)).toEqual({ '1-bright': 10, '1-overcast': 10, '0-bright': 10, '0-overcast': 10 });
    // Odd counts: one more empty field, skies split to within one picture per label.
    const odd = combos(tankDataset({ split: 'balanced', count: 7, seed: 1 }));
    expect((odd['1-bright'] ?? 0) + (odd['1-overcast'] ?? 0)).toBe(3);
    expect(Math.abs((odd['0-bright'] ?? 0) - (odd['0-overcast'] ?? 0))).toBeLessThanOrEqual(1);
  });

  it('shuffles the labels instead of alternating them', () => {
    const runs = balanced.labels.slice(1).filter((l, i) => l === balanced.labels[i]).length;
    expect(runs).toBeGreaterThan(5);
  });

  it('gives a box to every tank and none to empty fields', () => {
    for (const d of [biased, balanced]) {
      d.labels.forEach((label, i) => expect(d.boxes[i] === null).toBe(label === 0));
      expect(d.images.every((img) => img.width === 64 && img.height === 64)).toBe(true);
    }
    expect(biased.classNames).toEqual(['no tank', 'tank']);
  });

  it('reproduces its bytes from the seed and shares no scene between splits', () => {
    const again = tankDataset({ split: 'biased', count: 40, seed: 5 });
    expect(again.labels).toEqual(biased.labels);
    const key = (data: Uint8ClampedArray) => Buffer.from(data).toString('base64');
    expect(again.images.map((img) => key(img.data))).toEqual(biased.images.map((img) => key(img.data)));
    const seen = new Set(biased.images.map((img) => key(img.data)));
    expect(balanced.images.some((img) => seen.has(key(img.data)))).toBe(false);
    expect(key(tankDataset({ split: 'biased', count: 1, seed: 6 }).images[0].data)).not.toBe(key(biased.images[0].data));
  });

  it('generates a few hundred pictures at other sizes', () => {
    const d = tankDataset({ split: 'balanced', count: 200, seed: 0, size: 32 });
    expect(d.images).toHaveLength(200);
    expect(d.images[0].data).toHaveLength(32 * 32 * 3);
    expect(tankDataset({ split: 'balanced', count: 0, seed: 0 }).images).toEqual([]);
  });

  it('rejects bad options with a ConvlensError', () => {
    expect(() => tankDataset({ split: 'skewed' as 'biased', count: 4, seed: 0 })).toThrow(ConvlensError);
    expect(() => tankDataset({ split: 'biased', count: -1, seed: 0 })).toThrow(/count/);
    expect(() => tankDataset({ split: 'biased', count: 4, seed: 0, tankSky: 'foggy' as 'bright' })).toThrow(/tankSky/);
  });
});
