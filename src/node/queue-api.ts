/**
 * Queued scans in the library, loading the queue library only when used (it takes about a
 * second to load, which every `import 'convlens'` would pay otherwise).
 */
import type { ScanSummary } from '../dataset/scan.js';
import type { QueueWorker, QueueWorkerOptions } from './queue-worker.js';
import type { QueueScanOptions } from './scan-queue.js';
import type { ScanSpec } from './scan-spec.js';

export type { QueueWorker, QueueWorkerOptions, QueueScanOptions };

/**
 * Runs a scan as jobs on the Redis queue at `url` and waits for the merged summary (equal to
 * `scanDataset` on one machine); needs `convlens worker`s (or {@link startQueueWorker}) on it.
 *
 * @example
 * const data = demoDataset('shapes', { count: 5000 });
 * const spec = scanSpec({ source: 'models/shapes.onnx', options: {} }, { demo: 'shapes', count: 5000 }, data, { top: 9 });
 * const scan = await scanOnQueue('redis://127.0.0.1:6379', spec);
 */
export async function scanOnQueue(url: string, spec: ScanSpec, options?: QueueScanOptions): Promise<ScanSummary> {
  return (await import('./scan-queue.js')).scanOnQueue(url, spec, options);
}

/**
 * Starts a worker for queued scans in this process (shards run in sandboxed child processes).
 *
 * @example
 * const worker = await startQueueWorker('redis://127.0.0.1:6379', { threads: 2 });
 * await worker.close();
 */
export async function startQueueWorker(url: string, options?: QueueWorkerOptions): Promise<QueueWorker> {
  return (await import('./queue-worker.js')).startQueueWorker(url, options);
}
