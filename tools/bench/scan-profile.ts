/**
 * Where a scan's time goes: each stage of the scan suite's pass over 1000 PNGs timed alone,
 * in interleaved rounds, as wall time and as CPU time of the whole process (every thread).
 * CPU time hardly moves when other processes load the machine, so its ratios stay readable
 * when wall-clock ratios do not.
 *
 *   npx tsx tools/bench/scan-profile.ts [rounds]
 */
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { LayerSummary } from '../../src/dataset/layer-summary.js';
import { scanDataset } from '../../src/dataset/scan.js';
import type { RgbImage, FloatTensor } from '../../src/image/types.js';
import { forward, itemShapeOf } from '../../src/methods/passes.js';
import { loadModel, openDataset } from '../../src/node/index.js';
import { median } from './timing.js';
import { BATCH, LAYERS, pngFolder } from './scan.js';

const rounds = Number(process.argv[2] ?? 3);
const count = 1000;
const bytes = readFileSync(new URL('../../models/shapes.onnx', import.meta.url));
const model = await loadModel(bytes);
const folder = await openDataset(await pngFolder(count));
let images: RgbImage[] = [];
const x = await model.preprocess(await Promise.all(folder.entries.map((_, i) => folder.load(i))));
const item = x.data.length / count;
const plain = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', executionProviders: ['cpu'], intraOpNumThreads: availableParallelism() });
const batches = Array.from({ length: Math.ceil(count / BATCH) }, (_, b) => {
  const n = Math.min(BATCH, count - b * BATCH);
  return { data: x.data.slice(b * BATCH * item, (b * BATCH + n) * item), shape: [n, ...x.shape.slice(1)] };
});
const tensors = [...LAYERS.map((l) => model.resolveLayer(l)), model.outputName];
let outs: Record<string, FloatTensor>[] = [];

const stages: [string, () => Promise<unknown>][] = [
  ['plain forward (reference)', async () => { for (const b of batches) await plain.run({ [model.inputName]: new ort.Tensor('float32', b.data, b.shape) }); }],
  ['decode PNGs', async () => { images = await Promise.all(folder.entries.map((_, i) => folder.load(i))); }],
  ['preprocess', () => model.preprocess(images)],
  ['tapped forward', async () => { outs = []; for (const b of batches) outs.push(await forward(model, b, tensors)); }],
  ['layer summaries', async () => {
    const summaries = LAYERS.map((_, i) => new LayerSummary(tensors[i], itemShapeOf(model, tensors[i]), { k: 9, rank: 'mean' }));
    outs.forEach((o, b) => summaries.forEach((s, i) => s.add(o[tensors[i]], Array.from({ length: o[tensors[i]].shape[0] }, (_, k) => b * BATCH + k))));
  }],
  ['scan', () => scanDataset(model, folder, { layers: LAYERS, batchSize: BATCH })],
];
const wall: number[][] = stages.map(() => []);
const cpu: number[][] = stages.map(() => []);
for (let r = -1; r < rounds; r++) {
  for (const [i, [, run]] of stages.entries()) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    const w = performance.now() - t0;
    const c = process.cpuUsage(c0);
    if (r >= 0) { wall[i].push(w); cpu[i].push((c.user + c.system) / 1000); }
  }
}
console.log(`scan stages over ${count} PNGs, batch ${BATCH}, ${availableParallelism()} threads, ${rounds} rounds (median; ratios per round against the plain forward)`);
console.table(stages.map(([name], i) => ({
  stage: name,
  'wall ms': Math.round(median(wall[i])),
  'x plain (wall)': Number(median(wall[i].map((w, r) => w / wall[0][r])).toFixed(2)),
  'cpu ms': Math.round(median(cpu[i])),
  'x plain (cpu)': Number(median(cpu[i].map((c, r) => c / cpu[0][r])).toFixed(2)),
})));
await plain.release();
await model.dispose();
