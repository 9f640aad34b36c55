/**
 * The reference every core ratio divides by: the fastest plain onnxruntime session of the
 * same model bytes, i.e. all graph optimizations and the intra-op thread count that is
 * fastest on this machine (not onnxruntime's default, which counts physical cores only).
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { median, timeMs } from './timing.js';

export interface PlainReference {
  threads: number;
  /** Median ms per run for each thread count tried, timed in interleaved rounds. */
  msByThreads: { threads: number; ms: number }[];
  run: () => Promise<unknown>;
  release: () => Promise<void>;
}

/**
 * Times plain sessions with 1 to `availableParallelism()` threads in `reps` interleaved
 * rounds and keeps the fastest.
 *
 * @example
 * const ref = await fastestPlainSession(bytes, { input: tensor }, 5);
 * console.log(`reference: ${ref.threads} threads`);
 */
export async function fastestPlainSession(bytes: Uint8Array, feeds: Record<string, ort.Tensor>, reps: number): Promise<PlainReference> {
  const counts = Array.from({ length: availableParallelism() }, (_, i) => i + 1);
  const sessions = await Promise.all(counts.map((threads) => ort.InferenceSession.create(bytes, {
    graphOptimizationLevel: 'all', executionProviders: ['cpu'], intraOpNumThreads: threads,
  })));
  for (const s of sessions) await s.run(feeds);
  const times: number[][] = sessions.map(() => []);
  for (let r = 0; r < reps; r++) for (const [i, s] of sessions.entries()) times[i].push(await timeMs(() => s.run(feeds)));
  const msByThreads = counts.map((threads, i) => ({ threads, ms: median(times[i]) }));
  const best = msByThreads.reduce((a, b) => (b.ms < a.ms ? b : a));
  const session = sessions[best.threads - 1];
  await Promise.all(sessions.filter((s) => s !== session).map((s) => s.release()));
  return { threads: best.threads, msByThreads, run: () => session.run(feeds), release: () => session.release() };
}
