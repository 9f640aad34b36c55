/**
 * `convlens worker`: serves queued scans (`convlens scan --queue`) until stopped, one shard at
 * a time in a sandboxed process, and merges scans whose shards are done.
 */
import { displayUrl } from '../node/redis-connection.js';
import { defineCommand, numberFlag, parseCommandLine, usageError } from './command-line.js';
import { parseThreads } from './options.js';

export const workerSpec = defineCommand({
  name: 'worker',
  summary: 'Works on scans queued with `convlens scan --queue` on a Redis server, until stopped; start any number, on any machines.',
  flags: {
    queue: { type: 'string', value: 'redis://HOST:PORT', help: 'the Redis server the scans are queued on (required)' },
    threads: { type: 'string', value: 'N', help: 'CPU threads for onnxruntime in each shard (default: every core)' },
    'lock-seconds': { type: 'string', value: 'S', help: 'how long a shard stays claimed without word from this worker (default 30); a worker that dies loses its shard to another after about this long' },
  },
  notes: [
    'The worker opens the model and dataset a scan names at the same paths as the machine that queued it (an http(s) model is downloaded once).',
    'A worker that is stopped or dies loses at most its current shard, which another worker (or this one, restarted) runs again.',
    'Example: convlens worker --queue redis://10.0.0.5:6379 --threads 4',
  ],
});

export async function workerCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const args = parseCommandLine(workerSpec, argv, print);
  if (!args) return;
  const { values } = args;
  if (!values.queue) throw usageError('worker', 'Missing --queue: give the Redis server scans are queued on, like redis://127.0.0.1:6379.');
  const threads = values.threads === undefined ? undefined : parseThreads(values.threads);
  const lockSeconds = numberFlag('worker', 'lock-seconds', values['lock-seconds'], { wholeFrom: 1, max: 3600 });
  const { startQueueWorker } = await import('../node/queue-worker.js');
  await startQueueWorker(values.queue, { threads, lockSeconds, onEvent: print });
  print(`convlens worker: waiting for scans on ${displayUrl(values.queue)} (Ctrl-C stops it; its current shard goes back to the queue)`);
  // Serves until the process is stopped; the open queue connections keep it running.
  await new Promise<never>(() => undefined);
}
