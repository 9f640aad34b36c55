/**
 * Occlusion against its floor: the same number of plain forward passes, one per occluded
 * input, each at the fastest per-image cost the model reaches at any batch size. A ratio
 * near 1 means building the occluded inputs and scoring them costs next to nothing.
 */
import type { ConvlensModel } from '../../src/engine/model.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { occlusion, type OcclusionOptions } from '../../src/methods/occlusion.js';
import { forwardFloor } from './forward-floor.js';
import { warmMedianMs } from './timing.js';

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
  const occlusionMs = await warmMedianMs(async () => { shape = (await occlusion(model, x, opts)).raw.shape; }, 3);
  const [, gridH, gridW] = shape;
  const variants = x.shape[0] * gridH * gridW;

  const floor = await forwardFloor(model, x, Math.min(variants, 256));
  const baselineMs = variants * floor.msPerImage;
  return { images: x.shape[0], gridH, gridW, variants, occlusionMs, bestBatch: floor.bestBatch, forwardMsPerImage: floor.msPerImage, baselineMs, ratio: occlusionMs / baselineMs };
}
