import { describe, expect, it } from 'vitest';
import { demoDataset } from '../../../src/dataset/demo-datasets.js';
import { changedBox } from '../../../src/demo/scenes/box.js';
import { drawTag, tagBox, taggedTankDataset } from '../../../src/demo/scenes/tagged-tanks.js';
import { tankScene } from '../../../src/demo/scenes/index.js';

describe('tagged tank scenes', () => {
  it('tag exactly the planned share of the tanks and no empty field', () => {
    const d = taggedTankDataset({ count: 101, seed: 3, size: 48 });
    expect(d.labels.filter((l) => l === 1).length).toBe(50);
    expect(d.tagged.filter(Boolean).length).toBe(Math.round(0.25 * 50));
    expect(d.tagged.every((t, i) => !t || d.labels[i] === 1)).toBe(true);
    // The sky says nothing about the label: each label is split evenly between skies.
    for (const label of [0, 1]) {
      const bright = d.sky.filter((s, i) => d.labels[i] === label && s === 'bright').length;
      const all = d.labels.filter((l) => l === label).length;
      expect(Math.abs(2 * bright - all)).toBeLessThanOrEqual(1);
    }
  });

  it('draw the tag inside its box only, and the same options give the same bytes', () => {
    const plain = tankScene(11, { tank: true, sky: 'overcast' }).image;
    const box = changedBox(plain, drawTag(plain))!;
    const expected = tagBox(64);
    expect(box.x).toBeGreaterThanOrEqual(expected.x);
    expect(box.y).toBeGreaterThanOrEqual(expected.y);
    expect(box.x + box.width).toBeLessThanOrEqual(expected.x + expected.width);
    expect(box.y + box.height).toBeLessThanOrEqual(expected.y + expected.height);
    const a = taggedTankDataset({ count: 12, seed: 5 });
    const b = taggedTankDataset({ count: 12, seed: 5 });
    expect(a.images.map((i) => Array.from(i.data))).toEqual(b.images.map((i) => Array.from(i.data)));
    expect(() => taggedTankDataset({ count: 4, seed: 1, tagShare: 2 })).toThrow(/tagShare must be from 0 to 1/);
  });

  it('the demo dataset tags every fourth tank and nothing else', async () => {
    const data = demoDataset('tanks-tagged', { count: 40 });
    // A tagged picture is one that drawing the tag again leaves unchanged.
    const alreadyTagged = async (i: number) => { const image = await data.load(i); return changedBox(drawTag(image), image) === null; };
    const tanks = data.entries.flatMap((e, i) => (e.label === 1 ? [i] : []));
    for (const [k, i] of tanks.entries()) expect(await alreadyTagged(i), `tank ${k}`).toBe(k % 4 === 0);
    for (const [i, e] of data.entries.entries()) if (e.label === 0) expect(await alreadyTagged(i), `field ${i}`).toBe(false);
  });
});
