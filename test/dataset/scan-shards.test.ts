/**
 * Shard summaries sent as JSON text and merged in shuffled orders against the one-pass scan
 * (every field) and against a brute force over one forward pass of all images (top-K).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDataset } from '../../src/dataset/demo-datasets.js';
import { mergeShards, scanFromJson, scanToJson, shardRanges, shardSize, type ScanSummaryJson } from '../../src/dataset/scan-shards.js';
import { scanDataset, type ScanSummary } from '../../src/dataset/scan.js';
import type { DatasetSource } from '../../src/dataset/source.js';
import type { ConvlensModel } from '../../src/engine/model.js';
import { ConvlensError } from '../../src/errors.js';
import { forward } from '../../src/methods/passes.js';
import { seededUint32 } from '../../src/numeric/seeded-random.js';
import { loadModel } from '../../src/node/index.js';

const demo = demoDataset('shapes', { count: 90, seed: 7 });
/** Images 20..29 cannot be read: one shard below holds nothing but them. */
const data: DatasetSource = {
  ...demo,
  load: (i) => (i >= 20 && i < 30 ? Promise.reject(new ConvlensError('IMAGE_UNDECODABLE', `image ${i} is broken`)) : demo.load(i)),
};
const layers = ['features.4', 'features.7'];
const settings = { layers, top: 6, batchSize: 10 };
let model: ConvlensModel;
beforeAll(async () => { model = await loadModel(new URL('../../models/shapes.onnx', import.meta.url).pathname, { threads: 1 }); });
afterAll(() => model?.dispose());

/** Everything a scan folder is written from. */
const report = (s: ScanSummary) => ({
  layers: s.layers.map((l) => ({ name: l.name, results: l.summary.results(), statistics: l.summary.statistics(), state: l.summary.toJSON() })),
  predictions: s.predictions.all(),
  accuracy: s.predictions.accuracy(),
  confusion: s.predictions.confusion,
  skipped: s.skipped,
});

function shuffled<T>(items: readonly T[], seed: number): T[] {
  const next = seededUint32(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

async function shardJson(range: [number, number]): Promise<ScanSummaryJson> {
  // Through JSON text, as between machines.
  return JSON.parse(JSON.stringify(scanToJson(await scanDataset(model, data, { ...settings, range, shard: true }), range))) as ScanSummaryJson;
}

describe('scan shards', () => {
  it('merge in any order into exactly the one-pass scan, and its top-K equals a brute force', async () => {
    const whole = await scanDataset(model, data, settings);
    // Batch-aligned shards, and uneven ones that cut batches; [20, 30) is all unreadable.
    for (const ranges of [shardRanges(90, 30), [[0, 7], [7, 20], [20, 30], [30, 61], [61, 90]] as [number, number][]]) {
      const parts = await Promise.all(ranges.map(shardJson));
      for (const seed of [1, 2, 3]) expect(report(mergeShards(shuffled(parts, seed), 90))).toEqual(report(whole));
    }
    const readable = data.entries.map((_, i) => i).filter((i) => i < 20 || i >= 30);
    const tensors = layers.map((l) => model.resolveLayer(l));
    const all = await forward(model, await model.preprocess(await Promise.all(readable.map((i) => data.load(i)))), tensors);
    const merged = mergeShards(await Promise.all(shardRanges(90, 40).map(shardJson)), 90);
    merged.layers.forEach(({ summary }, li) => {
      const t = all[tensors[li]];
      const [, C, h, w] = t.shape;
      summary.results().forEach((r, c) => {
        const scored = readable.map((image, n) => {
          const v = t.data.subarray((n * C + c) * h * w, (n * C + c + 1) * h * w);
          const max = Math.max(...v);
          const at = v.indexOf(max);
          return { image, score: v.reduce((a, b) => a + b, 0) / (h * w), y: Math.floor(at / w), x: at % w };
        }).sort((a, b) => b.score - a.score || a.image - b.image);
        expect(r.top, `${layers[li]} channel ${c}`).toEqual(scored.slice(0, 6));
      });
    });
  }, 180_000);

  it('keep every field through plain data', async () => {
    const json = await shardJson([0, 40]);
    expect(JSON.parse(JSON.stringify(scanToJson(scanFromJson(json), [0, 40])))).toEqual(json);
  }, 60_000);

  it('refuse shards that miss or repeat images, and a dataset with no readable image', async () => {
    const a = await shardJson([0, 20]);
    const b = await shardJson([20, 30]);
    expect(() => mergeShards([a], 30)).toThrow(/some shard is missing/);
    expect(() => mergeShards([a, a, b], 30)).toThrow(/starts at 0 where 20 was expected/);
    expect(() => mergeShards([b], 10)).toThrow(/starts at 20 where 0 was expected/);
    expect(() => mergeShards([{ ...b, range: [0, 10] }], 10)).toThrow(/None of the 10 images could be read/);
  }, 60_000);

  it('sizes shards as whole batches near a thousand images', () => {
    expect(shardSize(32)).toBe(992);
    expect(shardSize(7, 10)).toBe(7);
    expect(shardSize(5000)).toBe(5000);
    expect(shardRanges(25, 10)).toEqual([[0, 10], [10, 20], [20, 25]]);
  });
});
