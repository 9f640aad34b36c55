/**
 * Occlusion against its floor: the same number of plain forward passes, one per occluded
 * input, each at the fastest per-image cost the model reaches at any batch size. A ratio
 * near 1 means building the occluded inputs and scoring them costs next to nothing.
 */
import type { ConvlensModel } from '../../src/engine/model.js';
import type { FloatTensor } from '../../src/image/types.js';
import { occlusion, type OcclusionOptions } from '../../src/methods/occlusion.js';
import { forward } from '../../src/methods/passes.js';

export interface OcclusionBench {
  images: number;
  gridH: number;
  gridW: number;
  /** Occluded inputs run: images x patches. */
  variants: number;
  occlusionMs: number;
  /** Batch size with the lowest forward time per image, and that time. */
  bestBatch: number;
  forwardMsPerImage: number;
  /** variants x forwardMsPerImage. */
  baselineMs: number;
  /** occlusionMs / baselineMs. */
  ratio: number;
}

/** Median wall time of `run` over `reps` calls, after one warm-up call (session compilation). */
async function timeMs(run: () => Promise<unknown>, reps: number): Promise<number> {
  await run();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    await run();
    times.push(performance.now() - t0);
  }
  return times.sort((a, b) => a - b)[Math.floor(reps / 2)];
}

/** `count` items cycling through the items of `x`. */
function repeatItems(x: FloatTensor, count: number): FloatTensor {
  const size = x.data.length / x.shape[0];
  const data = new Float32Array(count * size);
  for (let i = 0; i < count; i++) data.set(x.data.subarray((i % x.shape[0]) * size, (i % x.shape[0] + 1) * size), i * size);
  return { data, shape: [count, ...x.shape.slice(1)] };
}

/**
 * Times `occlusion(model, x, options)` and the per-image forward floor it is compared with.
 * Default options: a patch of 1/8 of the input height, stride half the patch.
 *
 * @example
 * const r = await benchOcclusion(model, x);
 * console.log(`occlusion ${r.occlusionMs.toFixed(0)} ms, ${r.ratio.toFixed(2)}x ${r.variants} forwards`);
 */
export async function benchOcclusion(model: ConvlensModel, x: FloatTensor, options: OcclusionOptions = {}): Promise<OcclusionBench> {
  const H = model.itemShape[1];
  const patch = options.patch ?? Math.max(1, Math.ceil(H / 8));
  const opts: OcclusionOptions = { ...options, patch, stride: options.stride ?? Math.max(1, Math.ceil((typeof patch === 'number' ? patch : patch[0]) / 2)) };
  let shape: number[] = [];
  const occlusionMs = await timeMs(async () => { shape = (await occlusion(model, x, opts)).raw.shape; }, 3);
  const [, gridH, gridW] = shape;
  const variants = x.shape[0] * gridH * gridW;

  const fixed = model.engine.fixedBatch;
  const largest = Math.min(variants, model.engine.chunkSize(model.itemShape, variants, 1), 256);
  const sizes = fixed ? [fixed] : Array.from({ length: Math.floor(Math.log2(largest)) + 1 }, (_, i) => 2 ** i);
  let bestBatch = sizes[0];
  let forwardMsPerImage = Infinity;
  for (const b of sizes) {
    const batch = repeatItems(x, b);
    const ms = (await timeMs(() => forward(model, batch, [model.outputName]), 5)) / b;
    if (ms < forwardMsPerImage) { forwardMsPerImage = ms; bestBatch = b; }
  }
  const baselineMs = variants * forwardMsPerImage;
  return { images: x.shape[0], gridH, gridW, variants, occlusionMs, bestBatch, forwardMsPerImage, baselineMs, ratio: occlusionMs / baselineMs };
}
