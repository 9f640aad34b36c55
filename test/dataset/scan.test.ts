/**
 * The streaming scan on the shapes demo model: top-K and thresholds against a brute force
 * over one forward pass of all images, shards merged in any order against the single scan,
 * and label bookkeeping against counting by hand.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDataset } from '../../src/dataset/demo-datasets.js';
import { DISSECTION_QUANTILE } from '../../src/dataset/layer-summary.js';
import { mergeScans, scanDataset, type ScanSummary } from '../../src/dataset/scan.js';
import type { ConvlensModel } from '../../src/engine/model.js';
import { forward } from '../../src/methods/passes.js';
import { loadModel } from '../../src/node/index.js';

const data = demoDataset('shapes', { count: 70, seed: 4 });
const layers = ['features.4', 'features.7'];
let model: ConvlensModel;
beforeAll(async () => { model = await loadModel(new URL('../../models/shapes.onnx', import.meta.url).pathname); });
afterAll(() => model?.dispose());

const state = (s: ScanSummary) => ({
  layers: s.layers.map((l) => l.summary.toJSON()),
  predictions: s.predictions.all(),
  confusion: s.predictions.confusion,
});

describe('scanDataset', () => {
  it('finds the exact top-K and the 0.995 quantile of a brute force over all images', async () => {
    for (const rank of ['mean', 'max'] as const) {
      const scan = await scanDataset(model, data, { layers, top: 7, rank, batchSize: 16 });
      const images = await Promise.all(data.entries.map((_, i) => data.load(i)));
      const tensors = layers.map((l) => model.resolveLayer(l));
      const all = await forward(model, await model.preprocess(images), tensors);
      scan.layers.forEach(({ summary }, li) => {
        const t = all[tensors[li]];
        const [N, C, h, w] = t.shape;
        const plane = h * w;
        const results = summary.results();
        for (let c = 0; c < C; c++) {
          const scored = Array.from({ length: N }, (_, n) => {
            const v = t.data.subarray((n * C + c) * plane, (n * C + c + 1) * plane);
            let sum = 0;
            for (const a of v) sum += a;
            const max = Math.max(...v);
            const at = v.indexOf(max);
            return { image: n, score: rank === 'max' ? max : sum / plane, y: Math.floor(at / w), x: at % w };
          }).sort((a, b) => b.score - a.score || a.image - b.image);
          expect(results[c].top, `${layers[li]} channel ${c} (${rank})`).toEqual(scored.slice(0, 7));
          const values: number[] = [];
          for (let n = 0; n < N; n++) values.push(...t.data.subarray((n * C + c) * plane, (n * C + c + 1) * plane));
          values.sort((a, b) => a - b);
          const truth = values[Math.floor(DISSECTION_QUANTILE * (values.length - 1))];
          expect(Math.abs(results[c].threshold - truth)).toBeLessThanOrEqual(0.005 * Math.abs(truth) + 1e-9);
          expect(results[c].max).toBe(values.at(-1));
          expect(results[c].fireRate).toBe(values.filter((v) => v > 0).length / values.length);
        }
      });
    }
  }, 120_000);

  it('merges shards in any order into the single scan', async () => {
    const whole = await scanDataset(model, data, { layers, top: 5, batchSize: 8 });
    const ranges: [number, number][] = [[0, 13], [13, 50], [50, 70]];
    for (const order of [[0, 1, 2], [2, 0, 1], [1, 2, 0]]) {
      const shards = [];
      for (const i of order) shards.push(await scanDataset(model, data, { layers, top: 5, batchSize: 8, range: ranges[i] }));
      const merged = shards.slice(1).reduce(mergeScans, shards[0]);
      expect(state(merged)).toEqual(state(whole));
    }
  }, 120_000);

  it('counts predictions and per-class accuracy as the confusion matrix by hand', async () => {
    const scan = await scanDataset(model, data, { layers: ['features.7'], top: 3 });
    const preds = scan.predictions.all();
    expect(preds.map((p) => p.image)).toEqual(data.entries.map((_, i) => i));
    const acc = scan.predictions.accuracy()!;
    for (const [l, name] of data.classNames!.entries()) {
      const mine = data.entries.flatMap((e, i) => (e.label === l ? [i] : []));
      const correct = mine.filter((i) => preds[i].predicted === model.labels!.indexOf(name)).length;
      expect(acc.perClass[l]).toMatchObject({ name, images: mine.length, correct });
    }
    // The demo model recognises its own shapes.
    expect(acc.overall).toBeGreaterThan(0.8);
  }, 60_000);
});
