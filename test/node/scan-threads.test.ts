/**
 * The threaded scan against the single-thread scan of the same images (every field), and a
 * worker refusing a dataset that differs from the one the scan was described with.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDataset } from '../../src/dataset/demo-datasets.js';
import { scanDataset, type ScanSummary } from '../../src/dataset/scan.js';
import type { ConvlensModel } from '../../src/engine/model.js';
import { loadModel } from '../../src/node/index.js';
import { openScanSpec, scanSpec } from '../../src/node/scan-spec.js';
import { scanWithThreads } from '../../src/node/scan-threads.js';

const modelPath = new URL('../../models/shapes.onnx', import.meta.url).pathname;
const data = demoDataset('shapes', { count: 150, seed: 1 });
const settings = { layers: ['features.4', 'features.7'], top: 8, batchSize: 16 };
let model: ConvlensModel;
beforeAll(async () => { model = await loadModel(modelPath, { threads: 1 }); });
afterAll(() => model?.dispose());

const report = (s: ScanSummary) => ({
  layers: s.layers.map((l) => ({ name: l.name, results: l.summary.results(), statistics: l.summary.statistics() })),
  predictions: s.predictions.all(),
  accuracy: s.predictions.accuracy(),
  skipped: s.skipped,
});

describe('scanWithThreads', () => {
  it('equals the single-thread scan', async () => {
    const spec = scanSpec({ source: modelPath, options: {} }, { demo: 'shapes', count: 150 }, data, settings);
    const whole = await scanDataset(model, data, settings);
    const seen: number[] = [];
    const threaded = await scanWithThreads(spec, { workers: 2, threads: 2, shardImages: 32, onProgress: (done) => seen.push(done) });
    expect(report(threaded)).toEqual(report(whole));
    expect(seen.at(-1)).toBe(150);
  }, 180_000);

  it('refuses a dataset that is not the one the scan was described with', async () => {
    const spec = scanSpec({ source: modelPath, options: {} }, { demo: 'shapes', count: 150 }, demoDataset('shapes', { count: 150, seed: 2 }), settings);
    await expect(openScanSpec(spec, 1)).rejects.toThrow(/with other names or labels, not the 150 the scan was started with/);
    await expect(openScanSpec({ ...spec, images: 151 }, 1)).rejects.toThrow(/has 150 images, not the 151/);
    await expect(scanWithThreads(spec, { workers: 2, threads: 2 })).rejects.toThrow(/every worker must see the same dataset/);
  }, 60_000);
});
