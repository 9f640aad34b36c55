/** Wall-clock helpers shared by the benchmarks. */
import type { FloatTensor } from '../../src/numeric/float-tensor.js';

/**
 * Idle milliseconds before each timed call. onnxruntime's intra-op threads keep spinning for
 * 20 to 50 ms after a run: a plain ResNet-18 forward (2 threads, batch 1) timed right after a
 * saliency call took 39 ms, after 20 ms idle 30 ms, after 50 ms 18 ms. Without the wait, every
 * session of an interleaved round would run against the spinning threads of the one before,
 * the reference forward pass included.
 */
const SETTLE_MS = 100;

/** Waits until the threads of earlier runs (in this process or a browser's) are idle; call it before timing a run timed elsewhere. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, SETTLE_MS));

/** Wall time of one call of `run`, started once the threads of earlier runs are idle. */
export async function timeMs(run: () => Promise<unknown>): Promise<number> {
  await settle();
  const t0 = performance.now();
  await run();
  return performance.now() - t0;
}

export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Median wall time of `run` over `reps` calls, after one warm-up call (session compilation). */
export async function warmMedianMs(run: () => Promise<unknown>, reps: number): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) times.push(await timeMs(run));
  return median(times);
}

/** `count` items cycling through the items of `x`. */
export function repeatItems(x: FloatTensor, count: number): FloatTensor {
  const size = x.data.length / x.shape[0];
  const data = new Float32Array(count * size);
  for (let i = 0; i < count; i++) data.set(x.data.subarray((i % x.shape[0]) * size, (i % x.shape[0] + 1) * size), i * size);
  return { data, shape: [count, ...x.shape.slice(1)] };
}
