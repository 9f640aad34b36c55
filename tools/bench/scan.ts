/**
 * The scan suite: the streaming scan of a folder of PNGs (read and decoded on a reading thread,
 * folded on a folding thread, while the main thread runs onnxruntime; and `convlens scan`'s
 * pass on one thread) against the faster plain onnxruntime forward pass of the same
 * images already decoded in memory, at the same batch size and on every core; then the same stages timed one by one, as wall and CPU time (see
 * scan-profile.ts); then peak RSS of scans of 2k and 20k images in separate processes (it
 * must not grow with the dataset).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { demoDataset } from '../../src/dataset/demo-datasets.js';
import { scanDataset, type ScanOptions } from '../../src/dataset/scan.js';
import { encodePng } from '../../src/image/png.js';
import { loadModel, openDataset } from '../../src/node/index.js';
import { FoldingThread } from '../../src/node/scan-folding.js';
import { ReadingThread } from '../../src/node/scan-reading.js';
import { scanSpec } from '../../src/node/scan-spec.js';
import { interleaved } from './interleaved.js';
import { scanStages } from './scan-profile.js';
import { median, timeMs } from './timing.js';

const BATCH = 32;
export const SCAN_LAYERS = ['features.4', 'features.7'];

/** A folder of `count` demo PNGs, written once and reused. */
async function pngFolder(count: number): Promise<string> {
  const dir = join(tmpdir(), `convlens-bench-shapes-${count}`);
  if (existsSync(join(dir, 'done'))) return dir;
  mkdirSync(dir, { recursive: true });
  const data = demoDataset('shapes', { count });
  for (let i = 0; i < count; i++) writeFileSync(join(dir, `${String(i).padStart(5, '0')}.png`), encodePng(await data.load(i)));
  writeFileSync(join(dir, 'done'), '');
  return dir;
}

/** The scan suite's model, a folder of `count` PNGs, and the plain batched forward pass of them (the reference). */
export async function scanBenchSetup(count: number) {
  const modelBytes = readFileSync(new URL('../../models/shapes.onnx', import.meta.url));
  const model = await loadModel(modelBytes);
  const folder = await openDataset(await pngFolder(count));
  const images = await Promise.all(folder.entries.map((_, i) => folder.load(i)));
  const x = await model.preprocess(images);
  const item = x.data.length / count;
  // The reference uses every core, as the scan's own session does (onnxruntime's default counts physical cores).
  const threads = availableParallelism();
  const plain = await ort.InferenceSession.create(modelBytes, { graphOptimizationLevel: 'all', executionProviders: ['cpu'], intraOpNumThreads: threads });
  const quiet = await ort.InferenceSession.create(modelBytes, {
    graphOptimizationLevel: 'all', executionProviders: ['cpu'], intraOpNumThreads: threads, extra: { session: { intra_op: { allow_spinning: '0' } } },
  });
  const forwardWith = (session: ort.InferenceSession) => async () => {
    for (let s = 0; s < count; s += BATCH) {
      const n = Math.min(BATCH, count - s);
      await session.run({ [model.inputName]: new ort.Tensor('float32', x.data.subarray(s * item, (s + n) * item), [n, ...x.shape.slice(1)]) });
    }
  };
  // The reading and folding threads start once, as the sessions are created once: each round
  // times the scan itself (a thread's start is in the first call).
  const spec = scanSpec({ source: 'models/shapes.onnx', options: {} }, { path: join(tmpdir(), `convlens-bench-shapes-${count}`) }, folder, { layers: SCAN_LAYERS, batchSize: BATCH });
  const reading = new ReadingThread(spec, model);
  const folding = new FoldingThread();
  const pipelined = (options: ScanOptions) => scanDataset(model, folder, { ...options, reader: reading.reader, folding: folding.folding(model.outputName) });
  const release = async () => { await Promise.all([reading.close(), folding.close(), plain.release(), quiet.release()]); await model.dispose(); };
  return { model, folder, x, threads, pipelined, forwardAll: forwardWith(plain), forwardQuiet: forwardWith(quiet), release };
}

/**
 * The faster of two plain forward passes, spinning onnxruntime threads or sleeping ones, timed
 * in `rounds` interleaved rounds: which one wins depends on how loaded the machine is, and
 * the reference is the fastest plain forward.
 */
export async function fasterForward(runs: { name: string; run: () => Promise<unknown> }[], rounds = 5) {
  const times = runs.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) for (const [i, c] of runs.entries()) times[i].push(await timeMs(c.run));
  const medians = times.map(median);
  return runs[medians.indexOf(Math.min(...medians))];
}

export async function scanSuite(reps: number): Promise<void> {
  const count = 1000;
  const { model, folder, x, threads, pipelined, forwardAll, forwardQuiet, release } = await scanBenchSetup(count);
  // The scan's sessions do not spin; on a loaded machine that alone makes a forward pass faster.
  const forwards = [{ name: `forward ${count} decoded images (onnxruntime)`, run: forwardAll }, { name: 'the same forward, threads not spinning', run: forwardQuiet }];
  const reference = await fasterForward(forwards);
  const settings = { layers: SCAN_LAYERS, batchSize: BATCH };
  const rows = await interleaved(reference, [
    ...forwards.filter((f) => f !== reference),
    { name: `scan ${count} PNGs, top 9, ${SCAN_LAYERS.join('+')}, reading and folding threads`, target: 1.15, run: () => pipelined(settings) },
    { name: 'the same scan on one thread (scanDataset, the CLI\'s default)', target: 1.15, run: () => scanDataset(model, folder, settings) },
    { name: `scan ${count} PNGs, top 100, reading and folding threads`, run: () => pipelined({ ...settings, top: 100 }) },
  ], reps);
  console.log(`\nscan: shapes demo model (32x32), batch ${BATCH}, ${reps} rounds, ${threads} threads, reference: the faster plain forward of the same images, decoded beforehand (${reference.name})`);
  console.table(rows);
  for (const row of rows.slice(2, 4)) console.log(`${row.case}: ${(count / (row['median ms'] / 1000)).toFixed(0)} images/s on one machine (median round)`);
  console.log('\nwhere the time goes:');
  await scanStages({ model, folder, pipelined, x, plain: reference.run, batch: BATCH, layers: SCAN_LAYERS }, reps);
  await release();

  const script = new URL('./scan-rss.ts', import.meta.url).pathname;
  for (const mode of ['threads', 'one-thread']) {
    const rss = [2000, 20000].map((n) => JSON.parse(execFileSync('npx', ['tsx', script, String(n), mode], { encoding: 'utf8' }).trim().split('\n').at(-1)!) as { count: number; ms: number; peakRssMiB: number });
    for (const r of rss) console.log(`scan (${mode}) of ${r.count} demo images (generated on the fly), top 100: peak RSS ${r.peakRssMiB.toFixed(0)} MiB, ${(r.count / (r.ms / 1000)).toFixed(0)} images/s`);
    const growth = rss[1].peakRssMiB - rss[0].peakRssMiB;
    console.log(`peak RSS growth 2k -> 20k (${mode}): ${growth.toFixed(0)} MiB (target <= 64 MiB: ${growth <= 64 ? 'met' : 'NOT met'})`);
  }
}
