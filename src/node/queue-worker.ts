/**
 * A scan worker on a Redis queue: takes shard jobs one at a time and runs each in a sandboxed
 * process (with its own model session), and merges scans whose shards are all done. Any number
 * of workers, on any machines that see the dataset and model at the same paths, share a scan.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'bullmq';
import { siblingModule } from './module-thread.js';
import { probeRedis, queueUrl } from './redis-connection.js';
import { SCAN_QUEUE, SHARD_QUEUE } from './scan-queue-jobs.js';

export interface QueueWorkerOptions {
  /** onnxruntime threads of the shard process; default every core. */
  threads?: number;
  /**
   * Seconds a job's lock lasts without renewal (default 30): a worker that dies loses its
   * shard to another worker after about this long, or twice it.
   */
  lockSeconds?: number;
  /** Called when a shard or merge finishes or fails. */
  onEvent?: (line: string) => void;
}

/** A running worker; `close` waits for its current job. */
export interface QueueWorker { close(): Promise<void> }

/** Times a shard may be lost with its worker before the scan fails. */
const MAX_LOST = 5;

/** Fork options for a sandboxed processor: from sources it needs the TypeScript loader. */
function sandboxOptions(processor: URL, threads?: number): Pick<WorkerOptions, 'workerForkOptions'> {
  const env = { ...process.env, ...(threads ? { CONVLENS_SHARD_THREADS: String(threads) } : {}) };
  if (!processor.pathname.endsWith('.ts')) return { workerForkOptions: { env } };
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { workerForkOptions: { env, execArgv: ['--import', tsx] } };
}

/**
 * Starts a worker on the queue at `url`; throws `QUEUE_UNREACHABLE` within seconds when Redis
 * does not answer.
 *
 * @example
 * const worker = await startQueueWorker('redis://127.0.0.1:6379', { threads: 2 });
 * // ... later
 * await worker.close();
 */
export async function startQueueWorker(url: string, options: QueueWorkerOptions = {}): Promise<QueueWorker> {
  await probeRedis(queueUrl(url));
  const lockDuration = (options.lockSeconds ?? 30) * 1000;
  const common = { connection: { url, maxRetriesPerRequest: null }, concurrency: 1, lockDuration, stalledInterval: lockDuration, maxStalledCount: MAX_LOST };
  const shardFile = siblingModule(import.meta.url, 'shard-processor');
  const mergeFile = siblingModule(import.meta.url, 'merge-processor');
  const workers = [
    new Worker(SHARD_QUEUE, shardFile, { ...common, ...sandboxOptions(shardFile, options.threads) }),
    new Worker(SCAN_QUEUE, mergeFile, { ...common, ...sandboxOptions(mergeFile) }),
  ];
  const say = options.onEvent ?? (() => undefined);
  for (const w of workers) {
    w.on('completed', (job) => say(job.queueName === SHARD_QUEUE ? `shard ${JSON.stringify((job.data as { range: unknown }).range)} done` : `scan ${job.id} merged`));
    w.on('failed', (job, e) => say(`${job?.name ?? 'job'} ${job?.id ?? ''} failed: ${e.message}`));
    w.on('error', (e) => say(`queue error: ${e.message}`));
  }
  await Promise.all(workers.map((w) => w.waitUntilReady()));
  return { close: async () => { await Promise.all(workers.map((w) => w.close())); } };
}
