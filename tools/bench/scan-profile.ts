/**
 * Where a scan's time goes: each stage of the scan suite's pass over 1000 PNGs timed alone,
 * in interleaved rounds, as wall time and as CPU time of the whole process (every thread).
 * CPU time moves much less than wall time when other processes load the machine, so its
 * ratios stay readable when wall-clock ratios do not.
 */
import { availableParallelism } from 'node:os';
import { LayerSummary } from '../../src/dataset/layer-summary.js';
import { scanDataset, type ScanOptions } from '../../src/dataset/scan.js';
import type { DatasetSource } from '../../src/dataset/source.js';
import type { ConvlensModel } from '../../src/engine/model.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { forward, itemShapeOf } from '../../src/methods/passes.js';
import { median } from './timing.js';

export interface ScanStagesInput {
  model: ConvlensModel;
  folder: DatasetSource;
  /** The scan of the folder with reading and folding threads. */
  pipelined: (options: ScanOptions) => Promise<unknown>;
  /** The folder's images, preprocessed. */
  x: FloatTensor;
  /** The plain onnxruntime forward pass of `x` in batches: the reference. */
  plain: () => Promise<unknown>;
  batch: number;
  layers: string[];
}

/** Prints the stage table: each stage alone, `rounds` interleaved rounds after one warm-up. */
export async function scanStages({ model, folder, pipelined, x, plain, batch, layers }: ScanStagesInput, rounds: number): Promise<void> {
  const count = x.shape[0];
  const item = x.data.length / count;
  const batches = Array.from({ length: Math.ceil(count / batch) }, (_, b) => {
    const n = Math.min(batch, count - b * batch);
    return { data: x.data.subarray(b * batch * item, (b * batch + n) * item), shape: [n, ...x.shape.slice(1)] };
  });
  let images: RgbImage[] = [];
  const tensors = [...layers.map((l) => model.resolveLayer(l)), model.outputName];
  let outs: Record<string, FloatTensor>[] = [];

  const stages: [string, () => Promise<unknown>][] = [
    ['plain forward (reference)', plain],
    ['decode PNGs', async () => { images = await Promise.all(folder.entries.map((_, i) => folder.load(i))); }],
    ['preprocess', () => model.preprocess(images)],
    ['tapped forward', async () => { outs = []; for (const b of batches) outs.push(await forward(model, b, tensors)); }],
    ['layer summaries', async () => {
      const summaries = layers.map((_, i) => new LayerSummary(tensors[i], itemShapeOf(model, tensors[i]), { k: 9, rank: 'mean' }));
      outs.forEach((o, b) => summaries.forEach((s, i) => s.add(o[tensors[i]], Array.from({ length: o[tensors[i]].shape[0] }, (_, k) => b * batch + k))));
    }],
    ['scan on one thread', () => scanDataset(model, folder, { layers, batchSize: batch })],
    ['scan, reading and folding threads', () => pipelined({ layers, batchSize: batch })],
  ];
  console.log(`scan stages over ${count} PNGs, batch ${batch}, ${availableParallelism()} threads, ${rounds} rounds (median; ratios per round against the plain forward)`);
  console.table(await wallAndCpuRounds(stages, rounds, 1));
}

/**
 * Times each run in `rounds` interleaved rounds after `warmUps` untimed ones, as wall time and
 * CPU time of the whole process; ratios are taken per round against the first run.
 */
export async function wallAndCpuRounds(runs: [string, () => Promise<unknown>][], rounds: number, warmUps: number) {
  const wall: number[][] = runs.map(() => []);
  const cpu: number[][] = runs.map(() => []);
  for (let r = -warmUps; r < rounds; r++) {
    for (const [i, [, run]] of runs.entries()) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await run();
      const w = performance.now() - t0;
      const c = process.cpuUsage(c0);
      if (r >= 0) { wall[i].push(w); cpu[i].push((c.user + c.system) / 1000); }
    }
  }
  return runs.map(([name], i) => ({
    run: name,
    'wall ms': Math.round(median(wall[i])),
    'x plain (wall)': Number(median(wall[i].map((w, r) => w / wall[0][r])).toFixed(2)),
    'cpu ms': Math.round(median(cpu[i])),
    'x plain (cpu)': Number(median(cpu[i].map((c, r) => c / cpu[0][r])).toFixed(2)),
  }));
}
