/** SmoothGrad: input gradients averaged over noisy copies of each image. */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../image/types.js';
import type { SaliencyOptions, SaliencyResult } from './gradients.js';
import { combineCopies, gradientsOfCopies, reluOfSaliencyRule, targetsOnInput } from './input-copies.js';
import { maxAbsOverChannels, normalizeItems } from './maps.js';
import { seededNormal } from './seeded-random.js';
import { gatherItems } from './targets.js';

export interface SmoothGradOptions extends SaliencyOptions {
  /** Noisy copies per image; default 25. */
  samples?: number;
  /** Noise standard deviation as a fraction of each image's value range (max - min); default 0.15. */
  noise?: number;
  /** Seed of the noise; the same seed gives the same bytes. Default 0. */
  seed?: number;
  /** Average squared gradients instead (SmoothGrad-Squared, Hooker et al. 2019). */
  squared?: boolean;
}

function checkOptions(o: SmoothGradOptions): void {
  if (!(Number.isInteger(o.samples) && o.samples! >= 1)) {
    throw new ConvlensError('BAD_OPTION', `SmoothGrad samples must be an integer of at least 1, got ${String(o.samples)}.`);
  }
  if (!(Number.isFinite(o.noise) && o.noise! >= 0)) {
    throw new ConvlensError('BAD_OPTION', `SmoothGrad noise must be a number of at least 0 (a fraction of the input range, e.g. 0.15), got ${String(o.noise)}.`);
  }
}

/**
 * `samples` noisy copies of each image, `[N * samples, C, H, W]`: copy s of image n is
 * `x[n] + sigma_n * z` with `sigma_n = noise * (max x[n] - min x[n])` and z the normal numbers
 * `(n * samples + s) * size` onwards of `seededNormal(seed)` (size = C * H * W).
 */
function noisyCopies(x: FloatTensor, samples: number, noise: number, normal: () => number): FloatTensor {
  const [N] = x.shape;
  const size = x.data.length / N;
  const data = new Float32Array(N * samples * size);
  for (let n = 0; n < N; n++) {
    const image = x.data.subarray(n * size, (n + 1) * size);
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of image) { if (v < lo) lo = v; if (v > hi) hi = v; }
    const sigma = noise * (hi - lo);
    for (let s = 0; s < samples; s++) {
      const base = (n * samples + s) * size;
      for (let i = 0; i < size; i++) data[base + i] = image[i] + sigma * normal();
    }
  }
  return { data, shape: [N * samples, ...x.shape.slice(1)] };
}

/**
 * SmoothGrad (Smilkov et al. 2017): the mean input gradient over `samples` copies of each
 * image with Gaussian noise, which removes much of the high-frequency speckle of plain
 * gradients. All copies of all items go through one batched gradient run. `raw` is the mean
 * gradient (or mean squared gradient) `[M, C, H, W]`; `map` is max |raw| over channels,
 * each item scaled to [0, 1]. Targets such as `top1` are resolved on the clean image.
 *
 * @example
 * const sg = await smoothGrad(model, x, { target: 281, samples: 50, noise: 0.2, seed: 1 });
 * sg.raw.shape; // [1, 3, 224, 224]
 */
export async function smoothGrad(model: ConvlensModel, x: FloatTensor, options: SmoothGradOptions = {}): Promise<SaliencyResult> {
  const o = { ...options, samples: options.samples ?? 25, noise: options.noise ?? 0.15, seed: options.seed ?? 0 };
  checkOptions(o);
  const relu = reluOfSaliencyRule(o.rule);
  const normal = seededNormal(o.seed);
  const on = await targetsOnInput(model, x, o);
  const copies = noisyCopies(x, o.samples, o.noise, normal);
  const index = on.targets.image.flatMap((n) => Array.from({ length: o.samples }, (_, s) => n * o.samples + s));
  const gradients = await gradientsOfCopies(model, gatherItems(copies, index), on, o.samples, relu, o);
  if (o.squared) for (let i = 0; i < gradients.data.length; i++) gradients.data[i] *= gradients.data[i];
  const raw = combineCopies(gradients, new Array(o.samples).fill(1 / o.samples));
  return { raw, map: normalizeItems(maxAbsOverChannels(raw)), image: on.targets.image, target: on.targets.target, scores: on.scores };
}
