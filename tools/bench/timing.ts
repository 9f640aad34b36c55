/** Wall-clock helpers shared by the benchmarks. */
import type { FloatTensor } from '../../src/numeric/float-tensor.js';

export async function timeMs(run: () => Promise<unknown>): Promise<number> {
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
