/**
 * A scan on one machine with worker threads: the dataset cut into shards, each thread with its
 * own model session taking the next shard when done, the summaries merged. The merge is exact,
 * so the result equals a single-thread scan.
 */
import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import { mergeShards, shardRanges, shardSize, type ScanSummaryJson } from '../dataset/scan-shards.js';
import type { ScanSummary } from '../dataset/scan.js';
import type { ProgressOptions } from '../engine/engine.js';
import { ConvlensError } from '../errors.js';
import { errorFromThread, siblingModule, startModuleThread } from './module-thread.js';
import type { ScanSpec } from './scan-spec.js';
import type { ShardReply, ShardRequest } from './scan-thread.js';

export interface ThreadScanOptions extends ProgressOptions {
  /** Worker threads, each with a model session; default 2. */
  workers?: number;
  /** onnxruntime threads in all, split evenly between the workers; default every core. */
  threads?: number;
  /** Images per shard; default a whole number of batches, about a quarter of each worker's share, at most about 1k. */
  shardImages?: number;
}

/**
 * Scans the spec's dataset with worker threads and merges their shards.
 *
 * @example
 * const scan = await scanWithThreads(spec, { workers: 2, threads: 2 });
 * scan.layers[0].summary.results()[0].top;
 */
export async function scanWithThreads(spec: ScanSpec, options: ThreadScanOptions = {}): Promise<ScanSummary> {
  const workers = options.workers ?? 2;
  if (!Number.isInteger(workers) || workers < 1) throw new ConvlensError('BAD_OPTION', `A threaded scan needs a whole number of workers >= 1; got ${String(workers)}.`);
  const batch = spec.scan.batchSize ?? 32;
  const size = options.shardImages ?? shardSize(batch, Math.min(1000, Math.ceil(spec.images / (4 * workers))));
  const pending = shardRanges(spec.images, size);
  const shards = pending.length;
  const threads = Math.max(1, Math.floor((options.threads ?? availableParallelism()) / workers));
  const done: ScanSummaryJson[] = [];
  const inShard = new Map<Worker, number>();
  let finished = 0;
  const report = () => options.onProgress?.(finished + [...inShard.values()].reduce((a, b) => a + b, 0), spec.images);
  const pool = Array.from({ length: Math.min(workers, pending.length) }, () => startModuleThread(siblingModule(import.meta.url, 'scan-thread'), { workerData: { threads } }));
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (e: Error) => reject(e);
      options.signal?.addEventListener('abort', () => fail(new ConvlensError('ABORTED', 'The scan was cancelled.')), { once: true });
      const next = (worker: Worker) => {
        const range = pending.shift();
        if (!range) {
          inShard.delete(worker);
          if (done.length === shards) resolve();
          return;
        }
        inShard.set(worker, 0);
        worker.postMessage({ spec, range } satisfies ShardRequest);
        const onMessage = (reply: ShardReply) => {
          if (reply.kind === 'progress') { inShard.set(worker, reply.done); report(); return; }
          worker.off('message', onMessage);
          if (reply.kind === 'error') { fail(errorFromThread(reply)); return; }
          done.push(reply.summary);
          finished += range[1] - range[0];
          inShard.set(worker, 0);
          report();
          next(worker);
        };
        worker.on('message', onMessage);
      };
      for (const worker of pool) {
        worker.on('error', fail);
        worker.on('exit', (code) => { if (inShard.has(worker)) fail(new ConvlensError('RUNTIME', `A scan worker thread stopped (exit code ${code}) before finishing its shard.`)); });
        next(worker);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => { inShard.delete(w); return w.terminate(); }));
  }
  return mergeShards(done, spec.images);
}
