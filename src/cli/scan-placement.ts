/**
 * Where `convlens scan` runs: in this thread (default), on worker threads of this machine
 * (`--workers N`), or as jobs on a Redis queue (`--queue URL`) done by `convlens worker`s.
 * The result is the same scan in every case.
 */
import type { DemoDatasetName } from '../dataset/demo-datasets.js';
import { emptyScan, scanDataset, type ScanOptions, type ScanSummary } from '../dataset/scan.js';
import type { DatasetSource } from '../dataset/source.js';
import type { ConvlensModel } from '../engine/model.js';
import { withdrawOnInterrupt } from '../node/interrupts.js';
import { probeRedis, queueUrl } from '../node/redis-connection.js';
import { scanSpec, type ScanSpec } from '../node/scan-spec.js';
import { scanWithThreads } from '../node/scan-threads.js';
import { numberFlag, usageError } from './command-line.js';
import { modelOptions, type ModelFlags } from './options.js';

/** The flags that place a scan, for the scan command's spec. */
export const placementFlags = {
  workers: { type: 'string', value: 'N', help: 'worker threads on this machine, each with its own model session; --threads are split between them (default 1: no extra threads)' },
  queue: { type: 'string', value: 'redis://HOST:PORT', help: 'run the scan as jobs on this Redis queue, done by `convlens worker --queue` processes on any machines that see DATA and the model at the same paths' },
  shard: { type: 'string', value: 'N', help: 'images per shard with --workers or --queue (default: whole batches, about 1000 for a queue)' },
} as const;

export interface Placement { workers?: string; queue?: string; shard?: string }

/** Checks the placement flags before any work (and that a queue's Redis answers, within seconds). */
export async function checkPlacement(values: Placement): Promise<void> {
  if (values.queue && values.workers) throw usageError('scan', 'Give either --workers (threads on this machine) or --queue (workers on a Redis queue), not both.');
  numberFlag('scan', 'workers', values.workers, { wholeFrom: 1, max: 256 });
  numberFlag('scan', 'shard', values.shard, { wholeFrom: 1 });
  if (values.shard && !values.queue && !values.workers) throw usageError('scan', '--shard sizes the shards of --workers or --queue; give one of them, or leave --shard out.');
  if (values.queue) await probeRedis(queueUrl(values.queue));
}

async function specFrom(values: ModelFlags & { dataset?: string; count?: string }, positionals: string[], data: DatasetSource, scan: ScanSpec['scan']): Promise<ScanSpec> {
  const options = await modelOptions(values);
  // Each worker sets its own thread count.
  delete options.threads;
  const dataset = positionals.length === 1 ? { path: positionals[0] } : { demo: (values.dataset ?? 'shapes') as DemoDatasetName, count: values.count === undefined ? undefined : Number(values.count) };
  return scanSpec({ source: values.model!, options }, dataset, data, scan);
}

/** Runs the scan where the flags say; `note` tells the user what a queued scan waits for. */
export async function placedScan(
  values: ModelFlags & Placement & { dataset?: string; count?: string }, positionals: string[], model: ConvlensModel, data: DatasetSource,
  options: ScanOptions, note: (line: string) => void,
): Promise<ScanSummary> {
  const { layers, top, rank, batchSize, strict, onProgress } = options;
  const settings = { layers, top, rank, batchSize, strict };
  // Unknown layers, bad settings and labels that fit no output are found here, not in every shard.
  emptyScan(model, data, settings);
  const shardImages = numberFlag('scan', 'shard', values.shard, { wholeFrom: 1 });
  // The queue library is loaded only for queued scans (it takes a second to load).
  if (values.queue) {
    const { scanOnQueue } = await import('../node/scan-queue.js');
    const controller = new AbortController();
    const run = scanOnQueue(values.queue, await specFrom(values, positionals, data, settings), { shardImages, onProgress, onNote: note, signal: controller.signal });
    // Ctrl-C removes the scan's jobs from the queue, so workers do not go on with a scan no one waits for.
    const done = withdrawOnInterrupt(async () => { controller.abort(); await run.catch(() => undefined); });
    try {
      return await run;
    } finally {
      done();
    }
  }
  const workers = numberFlag('scan', 'workers', values.workers, { wholeFrom: 1, max: 256 }) ?? 1;
  if (workers === 1) return scanDataset(model, data, options);
  const threads = values.threads === undefined ? undefined : Number(values.threads);
  return scanWithThreads(await specFrom(values, positionals, data, settings), { workers, threads, shardImages, onProgress });
}
