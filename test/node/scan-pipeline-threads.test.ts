/**
 * A scan whose batches are read and folded on worker threads against the same scan on one
 * thread (every field of the mergeable state), with unreadable files in the folder; failures
 * on either thread reach the caller with their codes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDataset } from '../../src/dataset/demo-datasets.js';
import { scanDataset, type ScanSummary } from '../../src/dataset/scan.js';
import type { ConvlensModel } from '../../src/engine/model.js';
import { encodePng } from '../../src/image/png.js';
import { loadModel, openDataset } from '../../src/node/index.js';
import { FoldingThread } from '../../src/node/scan-folding.js';
import { ReadingThread } from '../../src/node/scan-reading.js';
import { scanPipelined } from '../../src/node/scan-pipelined.js';
import { scanSpec } from '../../src/node/scan-spec.js';

const modelPath = new URL('../../models/shapes.onnx', import.meta.url).pathname;
const settings = { layers: ['features.4', 'features.7'], top: 6, batchSize: 8 };
let model: ConvlensModel;
let dir: string;
beforeAll(async () => {
  model = await loadModel(modelPath, { threads: 1 });
  dir = mkdtempSync(join(tmpdir(), 'convlens-scan-pipeline-'));
  const demo = demoDataset('shapes', { count: 37, seed: 5 });
  for (let i = 0; i < 37; i++) {
    const name = join(dir, `${String(i).padStart(3, '0')}.png`);
    writeFileSync(name, i === 3 || i === 20 ? Buffer.from('not a picture') : encodePng(await demo.load(i)));
  }
});
afterAll(async () => {
  await model?.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const state = (s: ScanSummary) => ({ layers: s.layers.map((l) => l.summary.toJSON()), predictions: s.predictions.toJSON(), skipped: s.skipped });

describe('scans read and folded on worker threads', () => {
  it('equal the scan on one thread, for several scans on the same threads', async () => {
    const data = await openDataset(dir);
    const folding = new FoldingThread();
    try {
      for (const rank of ['mean', 'max'] as const) {
        const options = { ...settings, rank };
        const reading = new ReadingThread(scanSpec({ source: modelPath, options: {} }, { path: dir }, data, options), model);
        try {
          const here = await scanDataset(model, data, options);
          expect(here.skipped.map((s) => s.image)).toEqual([3, 20]);
          const threaded = await scanDataset(model, data, { ...options, reader: reading.reader, folding: folding.folding(model.outputName) });
          expect(state(threaded)).toEqual(state(here));
        } finally {
          await reading.close();
        }
      }
    } finally {
      await folding.close();
    }
  }, 120_000);

  it('stop a strict scan at an unreadable file, and refuse a dataset that is not the one described', async () => {
    const data = await openDataset(dir);
    const strict = { ...settings, strict: true };
    const reading = new ReadingThread(scanSpec({ source: modelPath, options: {} }, { path: dir }, data, strict), model);
    await expect(scanDataset(model, data, { ...strict, reader: reading.reader })).rejects.toMatchObject({ code: 'IMAGE_UNDECODABLE', message: expect.stringMatching(/003\.png/) });
    await reading.close();
    const other = demoDataset('shapes', { count: 37 });
    const wrong = new ReadingThread(scanSpec({ source: modelPath, options: {} }, { path: dir }, other, settings), model);
    await expect(scanDataset(model, other, { ...settings, reader: wrong.reader })).rejects.toMatchObject({ code: 'BAD_INPUT', message: expect.stringMatching(/changed while the scan started/) });
    await wrong.close();
  }, 60_000);

  it('equal the scan on one thread on a demo dataset the reading thread generates (scanPipelined)', async () => {
    const data = demoDataset('shapes', { count: 30 });
    const spec = scanSpec({ source: modelPath, options: {} }, { demo: 'shapes', count: 30 }, data, settings);
    expect(state(await scanPipelined(model, data, spec, settings))).toEqual(state(await scanDataset(model, data, settings)));
  }, 60_000);

  it('give one folding thread to one scan at a time', async () => {
    const data = demoDataset('shapes', { count: 20, seed: 2 });
    const folding = new FoldingThread();
    try {
      const first = scanDataset(model, data, { ...settings, folding: folding.folding(model.outputName) });
      await expect(scanDataset(model, data, { ...settings, folding: folding.folding(model.outputName) })).rejects.toThrow(/already folding another scan/);
      expect(state(await first)).toEqual(state(await scanDataset(model, data, settings)));
    } finally {
      await folding.close();
    }
  }, 60_000);
});
