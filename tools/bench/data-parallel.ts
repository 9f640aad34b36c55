/**
 * Whether batches run side by side beat one session on every core: the plain forward pass of
 * `--images` images in batches, by one session with all the cores against `--workers` worker
 * threads, each with its own session of cores / workers threads taking every other batch.
 * Interleaved rounds, each after 100 ms idle. A scan could only hide its decoding,
 * preprocessing and folding behind the forward pass if the second form were clearly faster
 * (onnxruntime's intra-op threads would then leave cores idle).
 *
 *   CONVLENS_PYTHON=… tsx tools/bench/data-parallel.ts [--model resnet18] [--images 256] [--batch 32] [--reps 4]
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import * as ort from 'onnxruntime-node';
import { benchChoice, exportedModelBytes } from './models.js';
import { median, settle } from './timing.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'resnet18' }, images: { type: 'string', default: '256' }, batch: { type: 'string', default: '32' },
    reps: { type: 'string', default: '4' }, workers: { type: 'string', default: '2' },
  },
});
const [images, batch, reps, workers] = [values.images, values.batch, values.reps, values.workers].map(Number);
const cores = availableParallelism();
if (images % (batch * workers) !== 0) throw new Error('--images must be a multiple of --batch times --workers.');
const { path } = await exportedModelBytes(benchChoice(values.model, 'legacy').model);

// Each worker builds its session and input once, then runs `count` images per request.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads');
const ort = require(workerData.ortPath);
const { path, threads, batch, size } = workerData;
(async () => {
  const session = await ort.InferenceSession.create(path, { graphOptimizationLevel: 'all', executionProviders: ['cpu'], intraOpNumThreads: threads, extra: { session: { force_spinning_stop: '1' } } });
  const x = new ort.Tensor('float32', new Float32Array(batch * 3 * size * size).fill(0.5), [batch, 3, size, size]);
  parentPort.on('message', async (count) => {
    for (let i = 0; i < count; i += batch) await session.run({ [session.inputNames[0]]: x });
    parentPort.postMessage('done');
  });
  parentPort.postMessage('ready');
})();`;
const ortPath = fileURLToPath(import.meta.resolve('onnxruntime-node'));
const pool = Array.from({ length: workers }, () => new Worker(workerSource, { eval: true, workerData: { ortPath, path, threads: cores / workers, batch, size: 224 } }));
const reply = (w: Worker) => new Promise((resolve, reject) => { w.once('message', resolve); w.once('error', reject); });
await Promise.all(pool.map(reply));

const session = await ort.InferenceSession.create(path, { graphOptimizationLevel: 'all', executionProviders: ['cpu'], intraOpNumThreads: cores, extra: { session: { force_spinning_stop: '1' } } });
const x = new ort.Tensor('float32', new Float32Array(batch * 3 * 224 * 224).fill(0.5), [batch, 3, 224, 224]);
const runs: [string, () => Promise<unknown>][] = [
  [`one session, ${cores} threads`, async () => { for (let i = 0; i < images; i += batch) await session.run({ [session.inputNames[0]]: x }); }],
  [`${workers} worker threads, ${cores / workers} thread(s) each`, () => Promise.all(pool.map((w) => { const done = reply(w); w.postMessage(images / workers); return done; }))],
];
for (const [, run] of runs) await run();
const times = runs.map((): number[] => []);
for (let r = 0; r < reps; r++) {
  for (const [i, [, run]] of runs.entries()) {
    await settle();
    const t0 = performance.now();
    await run();
    times[i].push(performance.now() - t0);
  }
}
console.log(`${values.model}: forward pass of ${images} images in batches of ${batch}, ${reps} interleaved rounds`);
console.table(runs.map(([name], i) => ({
  run: name, 'median ms': Math.round(median(times[i])), 'x one session': Number(median(times[i].map((t, r) => t / times[0][r])).toFixed(3)),
})));
await Promise.all(pool.map((w) => w.terminate()));
await session.release();
