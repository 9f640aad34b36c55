/**
 * The reference every core ratio divides by: the fastest plain onnxruntime session of the
 * same model bytes, i.e. all graph optimizations, the intra-op thread count that is fastest
 * on this machine (not onnxruntime's default, which counts physical cores only), and the
 * faster of spinning and sleeping intra-op threads (onnxruntime's default spins).
 */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { median, timeMs } from './timing.js';

export interface PlainReference {
  threads: number;
  spinning: boolean;
  /** Median ms per run for each setting tried, timed in interleaved rounds. */
  msBySetting: { threads: number; spinning: boolean; ms: number }[];
  run: () => Promise<unknown>;
  release: () => Promise<void>;
}

/** `ms by setting` as the benches print it: `2 threads spinning: 321, ...`. */
export function describeSettings(ref: PlainReference): string {
  return ref.msBySetting.map((t) => `${t.threads} thread${t.threads > 1 ? 's' : ''}${t.spinning ? ' spinning' : ''}: ${t.ms.toFixed(0)}`).join(', ');
}

/**
 * Times plain sessions with 1 to `availableParallelism()` threads, spinning or not, in
 * `reps` interleaved rounds and keeps the fastest.
 *
 * @example
 * const ref = await fastestPlainSession(bytes, { input: tensor }, 5);
 * console.log(`reference: ${ref.threads} threads`);
 */
export async function fastestPlainSession(bytes: Uint8Array, feeds: Record<string, ort.Tensor>, reps: number): Promise<PlainReference> {
  const settings = Array.from({ length: availableParallelism() }, (_, i) => i + 1)
    .flatMap((threads) => [true, false].map((spinning) => ({ threads, spinning })));
  const sessions = await Promise.all(settings.map(({ threads, spinning }) => ort.InferenceSession.create(bytes, {
    graphOptimizationLevel: 'all', executionProviders: ['cpu'], intraOpNumThreads: threads,
    extra: { session: { intra_op: { allow_spinning: spinning ? '1' : '0' } } },
  })));
  for (const s of sessions) await s.run(feeds);
  const times: number[][] = sessions.map(() => []);
  for (let r = 0; r < reps; r++) for (const [i, s] of sessions.entries()) times[i].push(await timeMs(() => s.run(feeds)));
  const msBySetting = settings.map((setting, i) => ({ ...setting, ms: median(times[i]) }));
  const best = msBySetting.reduce((a, b) => (b.ms < a.ms ? b : a));
  const session = sessions[msBySetting.indexOf(best)];
  await Promise.all(sessions.filter((s) => s !== session).map((s) => s.release()));
  return { threads: best.threads, spinning: best.spinning, msBySetting, run: () => session.run(feeds), release: () => session.release() };
}
