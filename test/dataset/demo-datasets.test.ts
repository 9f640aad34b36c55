/** The demo datasets: same seed, same bytes; balanced labels; the biased tank set's sky follows its label. */
import { describe, expect, it } from 'vitest';
import { demoDataset } from '../../src/dataset/demo-datasets.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';

/** Mean brightness of the top eighth of a picture (the sky of a tank scene). */
const skyBrightness = (img: RgbImage) => {
  const rows = img.height >> 3;
  let s = 0;
  for (let i = 0; i < rows * img.width * 3; i++) s += img.data[i];
  return s / (rows * img.width * 3);
};

describe('demoDataset', () => {
  it('gives the same images for the same seed and others for another seed', async () => {
    const a = demoDataset('shapes', { count: 20, seed: 5 });
    const b = demoDataset('shapes', { count: 20, seed: 5 });
    const c = demoDataset('shapes', { count: 20, seed: 6 });
    expect((await a.load(7)).data).toEqual((await b.load(7)).data);
    expect((await a.load(7)).data).not.toEqual((await c.load(7)).data);
    expect(a.entries).toEqual(b.entries);
  });

  it('holds every shape class equally often', () => {
    const data = demoDataset('shapes', { count: 100 });
    const counts = data.classNames!.map((_, l) => data.entries.filter((e) => e.label === l).length);
    expect(counts).toEqual(new Array(10).fill(10));
  });

  it('puts every biased tank under the brighter sky, and mixes skies in the balanced set', async () => {
    const sky = async (name: 'tanks-biased' | 'tanks-balanced') => {
      const data = demoDataset(name, { count: 40 });
      return Promise.all(data.entries.map(async (e, i) => ({ tank: e.label === 1, sky: skyBrightness(await data.load(i)) })));
    };
    const biased = await sky('tanks-biased');
    const darkestTank = Math.min(...biased.filter((s) => s.tank).map((s) => s.sky));
    const brightestField = Math.max(...biased.filter((s) => !s.tank).map((s) => s.sky));
    expect(darkestTank).toBeGreaterThan(brightestField);
    const balanced = await sky('tanks-balanced');
    const tankSkies = balanced.filter((s) => s.tank).map((s) => s.sky);
    const fieldSkies = balanced.filter((s) => !s.tank).map((s) => s.sky);
    expect(Math.min(...tankSkies)).toBeLessThan(Math.max(...fieldSkies));
  });

  it('refuses an unknown name and a count below one', () => {
    expect(() => demoDataset('cats' as 'shapes')).toThrow(/shapes, tanks-biased, tanks-balanced/);
    expect(() => demoDataset('shapes', { count: 0 })).toThrow(/whole number of images/);
  });
});
