/**
 * One scan worker thread: its own model session (opened on the first shard, kept for the
 * next), scanning the shards the main thread sends and answering with their summaries.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { ScanSummaryJson } from '../dataset/scan-shards.js';
import { ShardRunner, type ScanSpec } from './scan-spec.js';
import { threadError, type ThreadError } from './module-thread.js';

/** What the main thread sends: a shard to scan. */
export interface ShardRequest { spec: ScanSpec; range: [number, number] }

/** What the thread answers: progress within the shard, its summary, or why it failed. */
export type ShardReply =
  | { kind: 'progress'; done: number }
  | { kind: 'done'; summary: ScanSummaryJson }
  | { kind: 'error' } & ThreadError;

const runner = new ShardRunner((workerData as { threads?: number }).threads);
const port = parentPort!;
port.on('message', (request: ShardRequest) => {
  const reply = (r: ShardReply) => port.postMessage(r);
  runner.run(request.spec, request.range, (done) => reply({ kind: 'progress', done })).then(
    (summary) => reply({ kind: 'done', summary }),
    (e: unknown) => reply({ kind: 'error', ...threadError(e) }),
  );
});
