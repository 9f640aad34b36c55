/**
 * One entry point for every faithfulness metric and sanity check: `evaluate(model, x,
 * explanation, metric)` returns per-image scores with their mean and spread, plus the curves
 * behind them, in one shape whatever the metric.
 */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { Box } from '../image/mask.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { confidenceChange } from './confidence.js';
import { deletionCurves, insertionCurves, type DeletionInsertionOptions } from './deletion-insertion.js';
import { localization, type LocalizationOptions } from './localization.js';
import { modelRandomization, type Explainer, type RandomizationOptions } from './randomization.js';
import { roadCurves, type RoadOptions } from './road.js';

export const metricNames = ['deletion', 'insertion', 'road', 'drop', 'pointing', 'randomization'] as const;
export type MetricName = (typeof metricNames)[number];

/** Options of every metric; each reads its own. */
export interface EvaluateOptions extends DeletionInsertionOptions, Omit<RoadOptions, 'fractions'>, LocalizationOptions, Omit<RandomizationOptions, 'layers'> {
  /** ROAD: shares of pixels removed (default 0.1 ... 0.9). */
  fractions?: number[];
  /** Randomization: how many layers from the top to randomize (default all). */
  layers?: number;
  /** Pointing game and energy: the object boxes of each image, in model-input pixels. */
  boxes?: Box[][];
}

/** One number per image, summarized. */
export interface MetricScore {
  /** What is measured, e.g. `deletion AUC`. */
  name: string;
  /** A short column heading, e.g. `deletion`. */
  short: string;
  better: 'higher' | 'lower';
  perImage: number[];
  mean: number;
  /** Sample standard deviation over images (0 for one image). */
  spread: number;
}

/** Per-image curves of one kind, e.g. deletion score against the fraction removed. */
export interface MetricCurves {
  name: string;
  xLabel: string;
  yLabel: string;
  x: number[];
  perImage: number[][];
}

export interface Evaluation {
  metric: MetricName;
  scores: MetricScore[];
  curves: MetricCurves[];
  /** Randomization only: the map keeps a rank correlation above the threshold with every top layer randomized. */
  insensitive?: boolean;
  /** Randomization only: the layers randomized, top first. */
  layers?: string[];
}

/** Mean and sample standard deviation. */
export function meanAndSpread(values: number[]): { mean: number; spread: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const spread = values.length > 1 ? Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1)) : 0;
  return { mean, spread };
}

const shortNames: Record<string, string> = {
  'deletion AUC': 'deletion', 'insertion AUC': 'insertion', 'ROAD LeRF - MoRF': 'ROAD gap', 'average drop %': 'drop %',
  'increase in confidence %': 'increase %', 'pointing game': 'pointing', 'energy in box': 'energy',
  'MPRT rank correlation': 'MPRT', 'independent rank correlation': 'MPRT single',
};

function score(name: string, better: 'higher' | 'lower', perImage: number[]): MetricScore {
  return { name, short: shortNames[name] ?? name, better, perImage, ...meanAndSpread(perImage) };
}

const rowMean = (rows: number[][]) => rows.map((r) => r.reduce((a, b) => a + b, 0) / r.length);
const columns = (rows: number[][]) => rows[0].map((_, n) => rows.map((r) => r[n]));

/** Checks a metric name; `BAD_OPTION` lists the known ones. */
export function checkMetric(metric: string): MetricName {
  if (!(metricNames as readonly string[]).includes(metric)) {
    throw new ConvlensError('BAD_OPTION', `Unknown metric "${metric}"; use one of ${metricNames.join(', ')}.`);
  }
  return metric as MetricName;
}

async function mapsFor(model: ConvlensModel, x: FloatTensor, explanation: FloatTensor | Explainer): Promise<FloatTensor> {
  return typeof explanation === 'function' ? explanation(model, x) : explanation;
}

/**
 * Evaluates explanation maps of `x` with one metric:
 * - `deletion` / `insertion`: area under the RISE curves (`steps`, default 224 at 224 x 224);
 * - `road`: ROAD with noisy linear imputation, most and least relevant first (`fractions`, `noise`, `seed`);
 * - `drop`: average drop and increase in confidence when only the map is shown;
 * - `pointing`: pointing game (`tolerance`, default 15 pixels) and energy in `boxes`;
 * - `randomization`: cascading and independent model parameter randomization; needs
 *   `explanation` as a function that explains `x` with any model, and flags the method as
 *   insensitive when its map survives randomizing every layer (`threshold`, default 0.5).
 *
 * `explanation` is `[N, H, W]` maps (a method result's `map`), `[N, C, H, W]` input gradients,
 * or a function `(model, x) => maps`. Scores use one target per image (`target`, default each
 * image's top class) and its softmax probability (`score: 'logit'` for raw outputs).
 *
 * @example
 * const cam = await gradCam(model, x);
 * const del = await evaluate(model, x, cam.map, 'deletion');
 * del.scores[0]; // { name: 'deletion AUC', better: 'lower', mean: 0.12, spread: 0.05, perImage: [...] }
 * const mprt = await evaluate(model, x, async (m, xs) => (await gradCam(m, xs, { target: 3 })).map, 'randomization');
 * mprt.insensitive; // false
 */
export async function evaluate(model: ConvlensModel, x: FloatTensor, explanation: FloatTensor | Explainer, metric: MetricName, options: EvaluateOptions = {}): Promise<Evaluation> {
  const name = checkMetric(metric);
  model.checkInput(x);
  if (name === 'randomization') {
    if (typeof explanation !== 'function') {
      throw new ConvlensError('BAD_INPUT', 'The randomization check re-explains the input with randomized copies of the model, so it needs the explanation as a function (model, x) => maps, not fixed maps.');
    }
    const r = await modelRandomization(model, x, explanation, options);
    const x1 = r.layers.map((_, k) => k + 1);
    const curves: MetricCurves[] = [{ name: 'cascading randomization', xLabel: 'layers randomized from the top', yLabel: 'rank correlation', x: x1, perImage: columns(r.cascading) }];
    const scores = [score('MPRT rank correlation', 'lower', r.cascading[r.cascading.length - 1])];
    if (r.independent.length > 0) {
      curves.push({ name: 'independent randomization', xLabel: 'layer randomized alone (top first)', yLabel: 'rank correlation', x: x1, perImage: columns(r.independent) });
      scores.push(score('independent rank correlation', 'lower', rowMean(columns(r.independent))));
    }
    return { metric: name, scores, curves, insensitive: r.insensitive, layers: r.layers };
  }
  const maps = await mapsFor(model, x, explanation);
  switch (name) {
    case 'deletion':
    case 'insertion': {
      const c = await (name === 'deletion' ? deletionCurves : insertionCurves)(model, x, maps, options);
      const removed = name === 'deletion' ? 'fraction of pixels removed' : 'fraction of pixels inserted';
      return {
        metric: name,
        scores: [score(`${name} AUC`, name === 'deletion' ? 'lower' : 'higher', c.auc)],
        curves: [{ name, xLabel: removed, yLabel: options.score === 'logit' ? 'target score' : 'target probability', x: c.fraction, perImage: c.scores }],
      };
    }
    case 'road': {
      const r = await roadCurves(model, x, maps, options);
      const morf = rowMean(r.morf);
      const lerf = rowMean(r.lerf);
      const yLabel = options.score === 'logit' ? 'target score' : 'target probability';
      return {
        metric: name,
        scores: [score('ROAD MoRF', 'lower', morf), score('ROAD LeRF', 'higher', lerf), score('ROAD LeRF - MoRF', 'higher', lerf.map((v, n) => v - morf[n]))],
        curves: [
          { name: 'ROAD, most relevant first', xLabel: 'fraction of pixels imputed', yLabel, x: r.fraction, perImage: r.morf },
          { name: 'ROAD, least relevant first', xLabel: 'fraction of pixels imputed', yLabel, x: r.fraction, perImage: r.lerf },
        ],
      };
    }
    case 'drop': {
      const c = await confidenceChange(model, x, maps, options);
      return { metric: name, scores: [score('average drop %', 'lower', c.drop), score('increase in confidence %', 'higher', c.increase)], curves: [] };
    }
    case 'pointing': {
      if (!options.boxes) throw new ConvlensError('BAD_OPTION', 'The pointing game needs the object boxes of each image (option boxes, or --boxes FILE.csv).');
      const l = localization(maps, options.boxes, options);
      return { metric: name, scores: [score('pointing game', 'higher', l.hit), score('energy in box', 'higher', l.energy)], curves: [] };
    }
  }
}
