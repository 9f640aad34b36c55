/** Gradient x input: the first-order estimate of how much each input value adds to the score. */
import type { ConvlensModel } from '../engine/model.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { attributionMap } from './attribution-map.js';
import { saliency, type SaliencyOptions, type SaliencyResult } from './saliency.js';

/** Like {@link SaliencyResult}, with `raw` the gradient times the input and `map` from {@link attributionMap}. */
export type GradientTimesInputResult = SaliencyResult;

/**
 * Gradient of the target times the input, elementwise (Shrikumar et al. 2016). `raw` is
 * `[M, C, H, W]`; `map` is |sum over channels|, each item scaled to [0, 1]. The ReLU `rule`
 * of {@link saliency} applies to the gradient.
 *
 * @example
 * const gi = await gradientTimesInput(model, x, { target: 281 });
 * gi.raw.shape; // [1, 3, 224, 224]
 */
export async function gradientTimesInput(model: ConvlensModel, x: FloatTensor, options: SaliencyOptions = {}): Promise<GradientTimesInputResult> {
  const sal = await saliency(model, x, options);
  const n = sal.raw.data.length / sal.raw.shape[0];
  const data = new Float32Array(sal.raw.data.length);
  sal.image.forEach((img, m) => {
    for (let i = 0; i < n; i++) data[m * n + i] = sal.raw.data[m * n + i] * x.data[img * n + i];
  });
  const raw = { data, shape: [...sal.raw.shape] };
  return { ...sal, raw, map: attributionMap(raw) };
}
