/** Integrated gradients: gradients along the straight path from a baseline to the input. */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { attributionMap } from './attribution-map.js';
import { baselineFor, type Baseline } from './baselines.js';
import { checkCopies, sumGradientsOverCopies, targetsOnInput } from './input-copies.js';
import { explainedItems, seedScore, type ExplainedItems, type TargetOptions } from './method-skeleton.js';
import { forward } from './passes.js';
import { gatherItems } from './targets.js';

/** How the path integral is approximated from `steps` intervals. */
export type IntegrationMethod = 'riemann-right' | 'trapezoid';

export interface IntegratedGradientsOptions extends TargetOptions {
  /** Intervals the path is cut into; default 32. */
  steps?: number;
  /** Where the path starts; default `'black'` (see {@link Baseline}). */
  baseline?: Baseline;
  /** Blur of the `'blur'` baseline in pixels; default a tenth of the smaller input side. */
  blurSigma?: number;
  /**
   * `'riemann-right'` (default): gradients at alpha = k / steps, k = 1..steps, as Captum's
   * `riemann_right` and the usual reference implementations; `'trapezoid'` adds alpha = 0 and
   * halves both ends, which is more accurate for the same number of steps.
   */
  method?: IntegrationMethod;
}

/** The completeness check: attributions should add up to the score change along the path. */
export interface Completeness {
  /** Sum of the item's attributions over channels and pixels. */
  sumAttribution: number;
  /** Target score at the input minus the target score at the baseline. */
  scoreDifference: number;
}

export interface IntegratedGradientsResult extends ExplainedItems {
  /** `[M, C, H, W]` attributions: mean path gradient times (input - baseline). */
  raw: FloatTensor;
  /** `[M, H, W]` |sum over channels| of `raw`, each item scaled to [0, 1]. */
  map: FloatTensor;
  /** One check per item; a large gap means too few steps. */
  completeness: Completeness[];
}

/** Path positions and their quadrature weights. */
function quadrature(steps: number, method: IntegrationMethod): { alphas: number[]; weights: number[] } {
  if (method === 'riemann-right') {
    return { alphas: Array.from({ length: steps }, (_, k) => (k + 1) / steps), weights: new Array(steps).fill(1 / steps) };
  }
  const alphas = Array.from({ length: steps + 1 }, (_, k) => k / steps);
  return { alphas, weights: alphas.map((_, k) => (k === 0 || k === steps ? 0.5 : 1) / steps) };
}

/**
 * Integrated gradients (Sundararajan et al. 2017): the mean gradient of the target along the
 * straight path from a baseline to the input, times (input - baseline). The steps are made
 * and run a block at a time, so memory does not grow with `steps`. Attributions add up to the score change
 * between baseline and input; `completeness` reports both so the approximation can be
 * checked (raise `steps` when they differ by more than a few percent).
 *
 * @example
 * const ig = await integratedGradients(model, x, { target: 281, steps: 64, method: 'trapezoid' });
 * ig.completeness[0]; // { sumAttribution: 11.93, scoreDifference: 12.01 }
 */
export async function integratedGradients(model: ConvlensModel, x: FloatTensor, options: IntegratedGradientsOptions = {}): Promise<IntegratedGradientsResult> {
  const o = { ...options, steps: options.steps ?? 32, baseline: options.baseline ?? 'black', method: options.method ?? 'riemann-right' };
  if (!(Number.isInteger(o.steps) && o.steps >= 1)) {
    throw new ConvlensError('BAD_OPTION', `Integrated gradients steps must be an integer of at least 1, got ${String(o.steps)}.`);
  }
  if (o.method !== 'riemann-right' && o.method !== 'trapezoid') {
    throw new ConvlensError('BAD_OPTION', `Unknown integration method ${JSON.stringify(o.method)}; use "riemann-right" or "trapezoid".`);
  }
  checkCopies(o.steps, 'Integrated gradients steps');
  model.checkInput(x);
  const b = baselineFor(model, x, o.baseline, o.blurSigma);
  const on = await targetsOnInput(model, x, o);
  const { image, seeds } = on.targets;
  const baselineScores = gatherItems((await forward(model, b, [on.output], { signal: o.signal }))[on.output], image);
  const { alphas, weights } = quadrature(o.steps, o.method);
  const size = x.data.length / x.shape[0];
  // Copy k of item m: baseline + alpha_k * (x - baseline) for its image.
  const fill = (m: number, k: number, out: Float32Array) => {
    const offset = image[m] * size;
    const a = alphas[k];
    for (let i = 0; i < size; i++) out[i] = b.data[offset + i] + a * (x.data[offset + i] - b.data[offset + i]);
  };
  const raw = await sumGradientsOverCopies(model, on, { copies: alphas.length, fill, weight: (k) => weights[k] }, 'vanilla', o);
  const sums = image.map((n, m) => {
    let s = 0;
    for (let i = 0; i < size; i++) {
      raw.data[m * size + i] *= x.data[n * size + i] - b.data[n * size + i];
      s += raw.data[m * size + i];
    }
    return s;
  });
  const completeness = sums.map((s, m) => ({ sumAttribution: s, scoreDifference: seedScore(seeds, m, on.scores, m) - seedScore(seeds, m, baselineScores, m) }));
  return { raw, map: attributionMap(raw), ...explainedItems(on.targets, on.scores), completeness };
}
