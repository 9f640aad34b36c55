/**
 * The scan suite: the streaming scan of a folder of PNGs (read and decoded on a reading thread,
 * folded on a folding thread, while the main thread runs onnxruntime; and `convlens scan`'s
 * pass on one thread) against the faster plain onnxruntime forward pass of the same
 * images already decoded in memory, at the same batch size and on every core; then the same
 * stages timed one by one, as wall and CPU time (see scan-profile.ts). Once on the shapes
 * demo model (32 x 32, where reading a picture costs more than its forward pass), once on a
 * full-width ResNet-18 export. Then peak RSS of scans of 2k and 20k images in separate
 * processes (it must not grow with the dataset).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { demoDataset } from '../../src/dataset/demo-datasets.js';
import { tankScene } from '../../src/demo/scenes/index.js';
import { scanDataset, type ScanOptions } from '../../src/dataset/scan.js';
import { encodePng } from '../../src/image/png.js';
import { loadModel, openDataset } from '../../src/node/index.js';
import { FoldingThread } from '../../src/node/scan-folding.js';
import { ReadingThread } from '../../src/node/scan-reading.js';
import { scanSpec } from '../../src/node/scan-spec.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';
import { interleaved } from './interleaved.js';
import { exportedModelBytes } from './models.js';
import { scanStages } from './scan-profile.js';
import { median, timeMs } from './timing.js';

const BATCH = 32;
export const SCAN_LAYERS = ['features.4', 'features.7'];

/** What a scan bench scans: a model, a folder of PNGs written once and reused, and the layers. */
interface ScanCase {
  label: string;
  modelBytes: Uint8Array;
  /** The images' folder and the picture of each index. */
  folder: string;
  picture: (i: number) => RgbImage | Promise<RgbImage>;
  layers: string[];
  preprocess?: 'imagenet';
}

const shapesCase = (count: number): ScanCase => {
  const data = demoDataset('shapes', { count });
  return {
    label: 'shapes demo model (32x32)', modelBytes: readFileSync(new URL('../../models/shapes.onnx', import.meta.url)),
    folder: join(tmpdir(), `convlens-bench-shapes-${count}`), picture: (i) => data.load(i), layers: SCAN_LAYERS,
  };
};

/** ResNet-18 exported by PyTorch at full width, on demo scenes at 224 x 224 (resized to 256 and cropped, as ImageNet models are fed). */
const fullWidthCase = async (count: number): Promise<ScanCase> => ({
  label: 'ResNet-18 export (224x224 scenes)', modelBytes: (await exportedModelBytes('resnet18', 'legacy', 224)).bytes,
  folder: join(tmpdir(), `convlens-bench-scenes-${count}`), layers: ['layer3', 'layer4'], preprocess: 'imagenet',
  picture: (i) => tankScene(i, { tank: i % 2 === 0, sky: i % 3 === 0 ? 'overcast' : 'bright', size: 224 }).image,
});

/** The case's folder of `count` PNGs, written once and reused. */
async function pngFolder(c: ScanCase, count: number): Promise<string> {
  if (existsSync(join(c.folder, 'done'))) return c.folder;
  mkdirSync(c.folder, { recursive: true });
  for (let i = 0; i < count; i++) writeFileSync(join(c.folder, `${String(i).padStart(5, '0')}.png`), encodePng(await c.picture(i)));
  writeFileSync(join(c.folder, 'done'), '');
  return c.folder;
}

/** The model, a folder of `count` PNGs, and the plain batched forward pass of them (the reference). */
export async function scanBenchSetup(count: number, c: ScanCase = shapesCase(count)) {
  const { modelBytes } = c;
  const model = await loadModel(modelBytes, c.preprocess ? { preprocess: c.preprocess } : {});
  const folder = await openDataset(await pngFolder(c, count));
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
  const spec = scanSpec({ source: c.label, options: c.preprocess ? { preprocess: c.preprocess } : {} }, { path: c.folder }, folder, { layers: c.layers, batchSize: BATCH });
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

/** The scan of `count` images of `c` against the plain forward pass of them, then where its time goes. */
async function scanCase(c: ScanCase, count: number, reps: number): Promise<void> {
  const { model, folder, x, threads, pipelined, forwardAll, forwardQuiet, release } = await scanBenchSetup(count, c);
  const forwards = [{ name: `forward ${count} decoded images (onnxruntime)`, run: forwardAll }, { name: 'the same forward, threads not spinning', run: forwardQuiet }];
  const reference = await fasterForward(forwards);
  const settings = { layers: c.layers, batchSize: BATCH };
  const rows = await interleaved(reference, [
    ...forwards.filter((f) => f !== reference),
    { name: `scan ${count} PNGs, top 9, ${c.layers.join('+')}, reading and folding threads`, target: 1.15, run: () => pipelined(settings) },
    { name: 'the same scan on one thread (scanDataset, the CLI\'s default)', target: 1.15, run: () => scanDataset(model, folder, settings) },
    { name: `scan ${count} PNGs, top 100, reading and folding threads`, run: () => pipelined({ ...settings, top: 100 }) },
  ], reps);
  console.log(`\nscan: ${c.label}, batch ${BATCH}, ${reps} rounds, ${threads} threads, reference: the faster plain forward of the same images, decoded and preprocessed beforehand (${reference.name})`);
  console.table(rows);
  for (const row of rows.slice(2, 4)) console.log(`${row.case}: ${(count / (row['median ms'] / 1000)).toFixed(0)} images/s on one machine (median round)`);
  console.log('\nwhere the time goes:');
  await scanStages({ model, folder, pipelined, x, plain: reference.run, batch: BATCH, layers: c.layers }, reps);
  await release();
}

export async function scanSuite(reps: number): Promise<void> {
  await scanCase(shapesCase(1000), 1000, reps);
  // A full-size CNN, where a forward pass per image outweighs reading and folding it.
  await scanCase(await fullWidthCase(256), 256, reps);

  const script = new URL('./scan-rss.ts', import.meta.url).pathname;
  for (const mode of ['threads', 'one-thread']) {
    const rss = [2000, 20000].map((n) => JSON.parse(execFileSync('npx', ['tsx', script, String(n), mode], { encoding: 'utf8' }).trim().split('\n').at(-1)!) as { count: number; ms: number; peakRssMiB: number });
    for (const r of rss) console.log(`scan (${mode}) of ${r.count} demo images (generated on the fly), top 100: peak RSS ${r.peakRssMiB.toFixed(0)} MiB, ${(r.count / (r.ms / 1000)).toFixed(0)} images/s`);
    const growth = rss[1].peakRssMiB - rss[0].peakRssMiB;
    console.log(`peak RSS growth 2k -> 20k (${mode}): ${growth.toFixed(0)} MiB (target <= 64 MiB: ${growth <= 64 ? 'met' : 'NOT met'})`);
  }
}
