/**
 * Score-CAM against its floor: one plain forward pass per channel and image plus the one that
 * reads the layer, each at the fastest per-image cost the model reaches at any batch size.
 * A ratio near 1 means building the masked inputs and scoring them costs next to nothing.
 */
import type { ConvlensModel } from '../../src/engine/model.js';
import type { FloatTensor } from '../../src/image/types.js';
import { forward } from '../../src/methods/passes.js';
import { scoreCam, scoreCamBatchSize } from '../../src/methods/score-cam.js';

export interface ScoreCamBench {
  images: number;
  channels: number;
  /** Plain forward passes Score-CAM amounts to: images x (channels + 1). */
  forwards: number;
  /** Masked inputs per forward call Score-CAM used (its default unless given). */
  batchSize: number;
  /** Median over `reps` Score-CAM runs, sessions already compiled. */
  scoreCamMs: number;
  /** Forward time per image at each batch size tried. */
  perBatch: { batch: number; msPerImage: number }[];
  bestBatch: number;
  forwardMsPerImage: number;
  /** forwards x forwardMsPerImage. */
  baselineMs: number;
  /** scoreCamMs / baselineMs; the goal is at most 1.1. */
  ratio: number;
}

async function timeMs(run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** `count` items cycling through the items of `x`. */
function repeatItems(x: FloatTensor, count: number): FloatTensor {
  const size = x.data.length / x.shape[0];
  const data = new Float32Array(count * size);
  for (let i = 0; i < count; i++) data.set(x.data.subarray((i % x.shape[0]) * size, (i % x.shape[0] + 1) * size), i * size);
  return { data, shape: [count, ...x.shape.slice(1)] };
}

/**
 * Times Score-CAM on `layer` and the forward floor it is compared with: batches of 1, 2, 4...
 * up to what Score-CAM itself would use (at least 64 when the memory budget allows), 3 timed
 * runs each after a warm-up. Score-CAM runs `reps` times (default 1: on a full-width
 * ResNet-50 one run is minutes) after its sessions are compiled by plain forwards of the same shapes.
 *
 * @example
 * const r = await benchScoreCam(model, x, 'layer4');
 * console.log(`Score-CAM ${(r.scoreCamMs / 1000).toFixed(1)} s = ${r.ratio.toFixed(2)}x ${r.forwards} forwards at batch ${r.bestBatch}`);
 */
export async function benchScoreCam(model: ConvlensModel, x: FloatTensor, layer: string, options: { batchSize?: number; reps?: number } = {}): Promise<ScoreCamBench> {
  const tensor = model.resolveLayer(layer);
  const channels = model.layers.find((l) => l.tensor === tensor)!.shape[1];
  const images = x.shape[0];
  const forwards = images * (channels + 1);
  const batchSize = options.batchSize ?? scoreCamBatchSize(model, images * channels);

  const fixed = model.engine.fixedBatch;
  const largest = Math.min(Math.max(batchSize, 64), model.engine.chunkSize(model.itemShape, 64, 1));
  const sizes = fixed ? [fixed] : [...new Set([...Array.from({ length: Math.floor(Math.log2(largest)) + 1 }, (_, i) => 2 ** i), batchSize])].sort((a, b) => a - b);
  const perBatch: ScoreCamBench['perBatch'] = [];
  for (const batch of sizes) {
    const input = repeatItems(x, batch);
    const run = () => forward(model, input, [model.outputName]);
    await run();
    const times: number[] = [];
    for (let r = 0; r < 3; r++) times.push(await timeMs(run));
    perBatch.push({ batch, msPerImage: median(times) / batch });
  }
  const best = perBatch.reduce((a, b) => (b.msPerImage < a.msPerImage ? b : a));

  // Score-CAM's own first pass taps the layer: a session of its own, compiled here.
  await forward(model, x, [tensor, model.outputName]);
  const times: number[] = [];
  for (let r = 0; r < (options.reps ?? 1); r++) times.push(await timeMs(() => scoreCam(model, x, { layer, batchSize })));
  const scoreCamMs = median(times);
  const baselineMs = forwards * best.msPerImage;
  return {
    images, channels, forwards, batchSize, scoreCamMs, perBatch,
    bestBatch: best.batch, forwardMsPerImage: best.msPerImage, baselineMs, ratio: scoreCamMs / baselineMs,
  };
}
