/**
 * Score-CAM against its floor: one plain forward pass per channel and image plus the one that
 * reads the layer, each at the fastest per-image cost the model reaches at any batch size.
 * A ratio near 1 means building the masked inputs and scoring them costs next to nothing.
 */
import type { ConvlensModel } from '../../src/engine/model.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { forward } from '../../src/methods/passes.js';
import { forwardFloor } from './forward-floor.js';
import { scoreCam, scoreCamBatchSize } from '../../src/methods/score-cam.js';
import { median, timeMs } from './timing.js';

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

  const floor = await forwardFloor(model, x, Math.max(batchSize, 64), [batchSize]);

  // Score-CAM's own first pass taps the layer: a session of its own, compiled here.
  await forward(model, x, [tensor, model.outputName]);
  const times: number[] = [];
  for (let r = 0; r < (options.reps ?? 1); r++) times.push(await timeMs(() => scoreCam(model, x, { layer, batchSize })));
  const scoreCamMs = median(times);
  const baselineMs = forwards * floor.msPerImage;
  return {
    images, channels, forwards, batchSize, scoreCamMs, perBatch: floor.perBatch,
    bestBatch: floor.bestBatch, forwardMsPerImage: floor.msPerImage, baselineMs, ratio: scoreCamMs / baselineMs,
  };
}
