/**
 * Model parameter randomization (Adebayo et al. 2018, "Sanity checks for saliency maps"): an
 * explanation that stays the same when the model's weights are replaced by random ones says
 * nothing about what the model learned. Cascading randomization replaces the layers from the
 * top (output side) down, one more per step; independent randomization replaces one at a time.
 * Each randomized map is compared with the trained model's map by Spearman rank correlation.
 */
import type { ProgressOptions } from '../engine/engine.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { randomizedModel, weightLayers, type WeightLayer } from './randomized-model.js';
import { spearman } from './rank-correlation.js';
import { itemOf, relevanceMaps } from './relevance.js';

/** Computes explanation maps of `x` with a given model: `[N, H, W]` or `[N, C, H, W]`. */
export type Explainer = (model: ConvlensModel, x: FloatTensor) => Promise<FloatTensor>;

export interface RandomizationOptions extends ProgressOptions {
  /** Seed of the random weights; default 0. */
  seed?: number;
  /** How many layers, from the top, the cascade randomizes; default all. */
  layers?: number;
  /** Also randomize each of those layers alone; default true. */
  independent?: boolean;
  /** Mean rank correlation above which the method is flagged insensitive to the model; default 0.5. */
  threshold?: number;
}

export interface RandomizationResult {
  /** The randomized layers, top first: step k of the cascade randomizes `layers[0..k]`. */
  layers: string[];
  /** `[step][image]` rank correlation with the trained model's map after cascading step k. */
  cascading: number[][];
  /** `[layer][image]` rank correlation with only `layers[k]` randomized (empty when not asked for). */
  independent: number[][];
  /** Mean over images of the correlation after the last cascading step. */
  finalCorrelation: number;
  /** True when `finalCorrelation` exceeds the threshold: the map does not depend on the weights. */
  insensitive: boolean;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Runs the cascading (and independent) randomization test for one explanation method.
 *
 * @example
 * const explain = async (m, x) => (await gradCam(m, x, { target: 'top1' })).map;
 * const r = await modelRandomization(model, x, explain, { seed: 1 });
 * r.cascading.map(mean); // falls towards 0 for a method that depends on the weights
 * r.insensitive;         // false for Grad-CAM, true for an edge detector
 */
export async function modelRandomization(model: ConvlensModel, x: FloatTensor, explain: Explainer, options: RandomizationOptions = {}): Promise<RandomizationResult> {
  model.checkInput(x);
  const all = weightLayers(model);
  if (all.length === 0) throw new ConvlensError('BAD_INPUT', 'The model has no layers with learned weights (Conv, Gemm, MatMul, normalization), so there is nothing to randomize.');
  const depth = options.layers ?? all.length;
  if (!Number.isInteger(depth) || depth < 1 || depth > all.length) {
    throw new ConvlensError('BAD_OPTION', `layers must be an integer from 1 to the model's ${all.length} layers with weights, got ${String(options.layers)}.`);
  }
  const threshold = options.threshold ?? 0.5;
  const top: WeightLayer[] = all.slice(-depth).reverse();
  const independent = options.independent ?? true;
  const total = 1 + depth * (independent ? 2 : 1);
  let done = 0;
  const step = () => options.onProgress?.(++done, total);
  const mapsOf = async (m: ConvlensModel) => relevanceMaps(await explain(m, x), x.shape);
  const trained = await mapsOf(model);
  step();
  const correlations = async (layers: WeightLayer[]): Promise<number[]> => {
    if (options.signal?.aborted) throw new ConvlensError('ABORTED', 'The operation was aborted by its AbortSignal.');
    const random = randomizedModel(model, layers, options.seed ?? 0);
    try {
      const maps = await mapsOf(random);
      step();
      return Array.from({ length: x.shape[0] }, (_, n) => spearman(itemOf(trained, n), itemOf(maps, n)));
    } finally {
      await random.dispose();
    }
  };
  const cascading: number[][] = [];
  for (let k = 1; k <= depth; k++) cascading.push(await correlations(top.slice(0, k)));
  const single: number[][] = [];
  if (independent) for (const layer of top) single.push(await correlations([layer]));
  const finalCorrelation = mean(cascading[cascading.length - 1]);
  return { layers: top.map((l) => l.name), cascading, independent: single, finalCorrelation, insensitive: finalCorrelation > threshold };
}
