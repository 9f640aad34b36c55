/**
 * ROAD, remove and debias (Rong et al. 2022): remove a share of the pixels, most relevant first
 * (MoRF: a faithful map makes the score fall) or least relevant first (LeRF: the score should
 * hold), and fill them by noisy linear imputation instead of a constant, so the model is not
 * scored on the shape of the hole.
 */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { seededNormal } from '../numeric/seeded-random.js';
import { noisyLinearImputation } from './imputation.js';
import { itemOf, pixelOrder, relevanceMaps } from './relevance.js';
import { targetScorer, type ScoringOptions } from './scoring.js';

export interface RoadOptions extends ScoringOptions {
  /** Shares of pixels removed; default 0.1, 0.2, ... 0.9. */
  fractions?: number[];
  /** Standard deviation of the noise added to imputed values, in the model's input units; default 0.01. */
  noise?: number;
  /** Seed of the noise; default 0. */
  seed?: number;
}

export interface RoadResult {
  fraction: number[];
  /** Per image, the score with the most relevant share removed, at each fraction. */
  morf: number[][];
  /** Per image, the score with the least relevant share removed. */
  lerf: number[][];
  /** Class scored per image. */
  target: (number | null)[];
}

const defaultFractions = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];

/**
 * ROAD curves for the maps of `explanation`: 2 x fractions imputed inputs per image, scored in
 * batches. Inputs are built in a fixed order from one seeded noise stream, so the result does
 * not depend on the batch size.
 *
 * @example
 * const road = await roadCurves(model, x, cam.map, { seed: 1 });
 * road.morf[0]; // probabilities with 10 %, 20 %, ... 90 % of the most relevant pixels imputed
 */
export async function roadCurves(model: ConvlensModel, x: FloatTensor, explanation: FloatTensor, options: RoadOptions = {}): Promise<RoadResult> {
  const fractions = options.fractions ?? defaultFractions;
  if (!Array.isArray(fractions) || fractions.length === 0 || !fractions.every((f) => f > 0 && f < 1)) {
    throw new ConvlensError('BAD_OPTION', `ROAD fractions must be shares between 0 and 1 (exclusive), e.g. [0.1, 0.5, 0.9]; got ${JSON.stringify(fractions)}.`);
  }
  const noise = options.noise ?? 0.01;
  if (!(noise >= 0 && Number.isFinite(noise))) throw new ConvlensError('BAD_OPTION', `ROAD noise must be a finite number >= 0, got ${String(noise)}.`);
  const scorer = await targetScorer(model, x, options);
  const [N, C, H, W] = x.shape;
  const plane = H * W;
  const maps = relevanceMaps(explanation, x.shape);
  const orders = Array.from({ length: N }, (_, n) => pixelOrder(itemOf(maps, n)));
  const normal = seededNormal(options.seed ?? 0);
  const F = fractions.length;
  const removed = new Uint8Array(plane);
  // Input k: image k / (2F), then MoRF at each fraction, then LeRF at each fraction.
  const scores = await scorer.score(N * 2 * F, (k, into) => {
    const n = Math.floor(k / (2 * F));
    const j = k % (2 * F);
    const count = Math.round(fractions[j % F] * plane);
    const order = orders[n];
    removed.fill(0);
    if (j < F) for (let i = 0; i < count; i++) removed[order[i]] = 1;
    else for (let i = plane - count; i < plane; i++) removed[order[i]] = 1;
    into.set(noisyLinearImputation(itemOf(x, n), removed, C, H, W, noise, normal));
    return n;
  });
  const rows = (n: number, from: number) => Array.from(scores.subarray(n * 2 * F + from, n * 2 * F + from + F));
  return {
    fraction: [...fractions],
    morf: Array.from({ length: N }, (_, n) => rows(n, 0)),
    lerf: Array.from({ length: N }, (_, n) => rows(n, F)),
    target: scorer.target,
  };
}
