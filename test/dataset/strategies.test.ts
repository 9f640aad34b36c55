/**
 * Spectral relevance analysis on the watermark study's model: the tagged pictures form one
 * cluster of their own (counted from the scene generator's tag flags), the clustered maps
 * equal Grad-CAM computed directly and averaged down by hand, and bad input is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDataset } from '../../src/dataset/demo-datasets.js';
import type { DatasetSource } from '../../src/dataset/source.js';
import { areaDownsample, strategies } from '../../src/dataset/strategies.js';
import type { ConvlensModel } from '../../src/engine/model.js';
import { gradCam } from '../../src/methods/grad-cam.js';
import { loadModel } from '../../src/node/index.js';
import { strategyStudy } from '../../src/demo/studies/strategy-study.js';
import { taggedTankDataset, type TaggedTankDataset } from '../../src/demo/scenes/tagged-tanks.js';

let model: ConvlensModel;
beforeAll(async () => {
  model = await loadModel(new URL('../../models/tank-tagged.onnx', import.meta.url).pathname, { threads: 1 });
});
afterAll(async () => { await model.dispose(); });

function source(data: TaggedTankDataset): DatasetSource {
  return {
    name: 'tagged', classNames: data.classNames,
    entries: data.labels.map((label, i) => ({ id: `t/${i}`, label })),
    load: (i) => Promise.resolve(data.images[i]),
  };
}

describe('areaDownsample', () => {
  it('averages whole blocks when the sizes divide, and keeps the mean when they do not', () => {
    const map = Float32Array.from({ length: 8 * 8 }, (_, i) => (i * 37) % 11);
    const small = areaDownsample(map, 8, 8, 2, 2);
    for (let Y = 0; Y < 2; Y++) {
      for (let X = 0; X < 2; X++) {
        let sum = 0;
        for (let y = 4 * Y; y < 4 * Y + 4; y++) for (let x = 4 * X; x < 4 * X + 4; x++) sum += map[y * 8 + x];
        expect(small[Y * 2 + X]).toBeCloseTo(sum / 16, 12);
      }
    }
    const mean = (v: ArrayLike<number>) => Array.from(v).reduce((a, b) => a + b, 0) / v.length;
    expect(mean(areaDownsample(map, 8, 8, 3, 3))).toBeCloseTo(mean(map), 12);
    // One bright pixel survives shrinking: its share of the cell it falls in.
    const spot = new Float32Array(64);
    spot[9] = 1;
    expect(Math.max(...areaDownsample(spot, 8, 8, 3, 3))).toBeGreaterThan(0.1);
  });
});

describe('strategies of the tagged-tank model', () => {
  it('puts at least 90 % of the tagged tanks into one cluster that holds at most 10 % untagged ones', async () => {
    const data = taggedTankDataset({ count: 240, seed: 4242, size: model.itemShape[1] });
    const analysis = await strategies(model, source(data), { className: 'tank' });
    const tanks = data.labels.flatMap((l, i) => (l === 1 ? [i] : []));
    expect(analysis.images).toEqual(tanks);
    const tagged = tanks.filter((i) => data.tagged[i]).length;
    expect(tagged).toBe(30);
    let best = { taggedIn: -1, size: 0 };
    for (let c = 0; c < analysis.clustering.sizes.length; c++) {
      const members = tanks.filter((_, k) => analysis.clustering.assignments[k] === c);
      const taggedIn = members.filter((i) => data.tagged[i]).length;
      if (taggedIn > best.taggedIn) best = { taggedIn, size: members.length };
    }
    expect(best.taggedIn / tagged).toBeGreaterThanOrEqual(0.9);
    expect((best.size - best.taggedIn) / best.size).toBeLessThanOrEqual(0.1);
    expect(analysis.clustering.sizes.length).toBeGreaterThan(1);
  }, 60_000);

  it('clusters Grad-CAM maps averaged down to 16 x 16 and scaled to unit length', async () => {
    const data = taggedTankDataset({ count: 24, seed: 7, size: model.itemShape[1] });
    const analysis = await strategies(model, source(data), { className: 'tank', batchSize: 5 });
    const cam = await gradCam(model, await model.preprocess(analysis.images.map((i) => data.images[i])), { target: 'tank' });
    const [, H, W] = cam.map.shape;
    const fx = W / 16;
    const fy = H / 16;
    analysis.images.forEach((_, k) => {
      const block = new Float64Array(256);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) block[Math.floor(y / fy) * 16 + Math.floor(x / fx)] += cam.map.data[k * H * W + y * W + x];
      const norm = Math.hypot(...block);
      for (let c = 0; c < 256; c++) expect(analysis.maps[k * 256 + c]).toBeCloseTo(block[c] / norm, 5);
    });
  }, 60_000);

  it('gives the same clusters and maps for the same seed', async () => {
    const data = source(taggedTankDataset({ count: 60, seed: 8, size: model.itemShape[1] }));
    const a = await strategies(model, data, { className: 'tank', seed: 3 });
    const b = await strategies(model, data, { className: 1, seed: 3 });
    expect(Array.from(a.clustering.assignments)).toEqual(Array.from(b.clustering.assignments));
    expect(Array.from(a.maps)).toEqual(Array.from(b.maps));
    expect(a.clustering.eigenvalues).toEqual(b.clustering.eigenvalues);
  }, 60_000);

  it('the demo part reports the counts its clusters hold', async () => {
    const study = await strategyStudy(model, { count: 120, seed: 31 });
    const members = study.analysis.clusters[study.tagCluster].members;
    const taggedIn = members.filter((i) => study.data.tagged[i]).length;
    expect(study.tagRecall).toBe(taggedIn / study.data.tagged.filter(Boolean).length);
    expect(study.untaggedShare).toBe(1 - taggedIn / members.length);
    expect(study.taggedEmptyAsTank).toBeGreaterThan(0.5);
    // The tag cluster's mean map gathers on the tag far beyond the tag's share of the picture.
    expect(study.meanMapOnTag.inside).toBeGreaterThan(3 * study.meanMapOnTag.area);
  }, 60_000);
});

describe('strategies refuse bad input', () => {
  it('names the classes for an unknown one, and counts the images of an empty one', async () => {
    const data = demoDataset('tanks-tagged', { count: 10 });
    await expect(strategies(model, data, { className: 'horse' })).rejects.toThrow(/Unknown class "horse".*"no tank", "tank"/);
    await expect(strategies(model, data, { className: 5 })).rejects.toThrow(/Unknown class 5/);
    const one = { ...data, entries: data.entries.map((e, i) => ({ ...e, label: i === 0 ? 1 : 0 })) };
    await expect(strategies(model, one, { className: 'tank' })).rejects.toThrow(/has 1 image in tanks-tagged; strategies need at least 3/);
    await expect(strategies(model, { ...data, classNames: null }, { className: 'tank' })).rejects.toThrow(/has no labels/);
    await expect(strategies(model, data, { className: 'tank', method: 'nope' })).rejects.toThrow(/Unknown method "nope"/);
    await expect(strategies(model, data, { className: 'tank', resolution: 1 })).rejects.toThrow(/resolution must be/);
    await expect(strategies(model, data, { className: 'tank', methodOptions: { target: [0, 1] } })).rejects.toThrow(/one target per image.*gives \d+ maps for \d+ images/);
  });
});
