/** SmoothGrad: input gradients averaged over noisy copies of each image. */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { valueRange } from '../numeric/value-range.js';
import { checkSaliencyRule, type SaliencyOptions, type SaliencyResult } from './saliency.js';
import { checkCopies, sumGradientsOverCopies, targetsOnInput } from './input-copies.js';
import { maxAbsOverChannels, normalizeItems } from './maps.js';
import { explainedItems } from './method-skeleton.js';
import { seededNormal } from '../numeric/seeded-random.js';

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
 * Copy s of image n is `x[n] + sigma_n * z` with `sigma_n = noise * (max x[n] - min x[n])` and
 * z the normal numbers `(n * samples + s) * size` onwards of `seededNormal(seed)` (size =
 * C * H * W). Copies are asked for in order; the stream is skipped forward over images not
 * explained, and restarted when an image is explained again (several targets).
 */
function noisyCopy(x: FloatTensor, samples: number, noise: number, seed: number): (n: number, s: number, out: Float32Array) => void {
  const size = x.data.length / x.shape[0];
  let normal = seededNormal(seed);
  let position = 0;
  let sigmaOf = -1;
  let sigma = 0;
  return (n, s, out) => {
    const wanted = (n * samples + s) * size;
    if (wanted < position) {
      normal = seededNormal(seed);
      position = 0;
    }
    for (; position < wanted; position++) normal();
    const image = x.data.subarray(n * size, (n + 1) * size);
    if (sigmaOf !== n) {
      const [lo, hi] = valueRange(image);
      sigma = noise * (hi - lo);
      sigmaOf = n;
    }
    for (let i = 0; i < size; i++) out[i] = image[i] + sigma * normal();
    position += size;
  };
}

/**
 * SmoothGrad (Smilkov et al. 2017): the mean input gradient over `samples` copies of each
 * image with Gaussian noise, which removes much of the high-frequency speckle of plain
 * gradients. Copies are made and run a block at a time, so memory does not grow with `samples`. `raw` is the mean
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
  const relu = checkSaliencyRule(o.rule ?? 'vanilla', 'gradient');
  checkCopies(o.samples, 'SmoothGrad samples');
  const on = await targetsOnInput(model, x, o);
  const copy = noisyCopy(x, o.samples, o.noise, o.seed);
  const raw = await sumGradientsOverCopies(model, on, {
    copies: o.samples, fill: (m, s, out) => copy(on.targets.image[m], s, out), weight: () => 1 / o.samples, squared: o.squared,
  }, relu, o);
  return { raw, map: normalizeItems(maxAbsOverChannels(raw)), ...explainedItems(on.targets, on.scores) };
}
