/**
 * Deletion and insertion (Petsiuk et al. 2018, RISE): remove the pixels from most to least
 * relevant and watch the target's probability fall (deletion: a faithful map makes it fall
 * fast, low area under the curve), or add them to a blurred picture and watch it rise
 * (insertion: high area). Each step moves `pixelsPerStep` pixels in every channel.
 */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { gaussianBlur } from '../image/blur.js';
import { itemOf, pixelOrder, relevanceMaps } from './relevance.js';
import { targetScorer, type ScoringOptions } from './scoring.js';

export interface DeletionInsertionOptions extends ScoringOptions {
  /** Steps of the curve; default the square root of the pixel count (224 at 224 x 224, as RISE). */
  steps?: number;
  /** Insertion start: Gaussian blur of the input with this sigma (default 5) and kernel radius (default 5: 11 x 11), zero-padded. */
  blurSigma?: number;
  blurRadius?: number;
}

/** A score curve per image against the fraction of pixels removed (deletion) or inserted (insertion). */
export interface ScoreCurves {
  /** `steps + 1` fractions from 0 to 1. */
  fraction: number[];
  /** Per image, the score at each fraction. */
  scores: number[][];
  /** Per image, the area under its curve (trapezoid rule over `fraction`). */
  auc: number[];
  /** Class scored per image (null for a weights target). */
  target: (number | null)[];
}

/** Area under a curve by the trapezoid rule. */
export function trapezoidArea(x: readonly number[], y: readonly number[]): number {
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i] - x[i - 1]) * (y[i] + y[i - 1])) / 2;
  return area;
}

function stepGeometry(H: number, W: number, steps: number | undefined): { perStep: number; steps: number } {
  const pixels = H * W;
  const wanted = steps ?? Math.round(Math.sqrt(pixels));
  if (!Number.isInteger(wanted) || wanted < 1 || wanted > pixels) {
    throw new ConvlensError('BAD_OPTION', `steps must be an integer from 1 to the ${pixels} pixels of the input, got ${String(steps)}.`);
  }
  const perStep = Math.ceil(pixels / wanted);
  return { perStep, steps: Math.ceil(pixels / perStep) };
}

/**
 * Runs one perturbation game: at step i the first `i * perStep` pixels of each image's order
 * come from `finish`, the rest from `start`. Steps whose input is the unmodified image reuse
 * its known score instead of running it again.
 */
async function perturbationCurves(model: ConvlensModel, x: FloatTensor, explanation: FloatTensor, kind: 'deletion' | 'insertion', options: DeletionInsertionOptions): Promise<ScoreCurves> {
  const scorer = await targetScorer(model, x, options);
  const [N, C, H, W] = x.shape;
  const plane = H * W;
  const maps = relevanceMaps(explanation, x.shape);
  const { perStep, steps } = stepGeometry(H, W, options.steps);
  const blurred = kind === 'insertion' ? gaussianBlur(x, options.blurSigma ?? 5, 'zero', options.blurRadius ?? 5) : null;
  const orders = Array.from({ length: N }, (_, n) => pixelOrder(itemOf(maps, n)));
  // Deletion runs steps 1..steps (step 0 is the image); insertion 0..steps-1 (the last is the image).
  const offset = kind === 'deletion' ? 1 : 0;
  const scores = await scorer.score(N * steps, (k, into) => {
    const n = Math.floor(k / steps);
    const moved = Math.min(plane, ((k % steps) + offset) * perStep);
    const image = itemOf(x, n);
    into.set(blurred ? itemOf(blurred, n) : image);
    const order = orders[n];
    if (blurred) {
      for (let i = 0; i < moved; i++) for (let c = 0; c < C; c++) into[c * plane + order[i]] = image[c * plane + order[i]];
    } else {
      for (let i = 0; i < moved; i++) for (let c = 0; c < C; c++) into[c * plane + order[i]] = 0;
    }
    return n;
  });
  const fraction = Array.from({ length: steps + 1 }, (_, i) => Math.min(plane, i * perStep) / plane);
  const curves = Array.from({ length: N }, (_, n) => {
    const run = Array.from(scores.subarray(n * steps, (n + 1) * steps));
    return kind === 'deletion' ? [scorer.original[n], ...run] : [...run, scorer.original[n]];
  });
  return { fraction, scores: curves, auc: curves.map((y) => trapezoidArea(fraction, y)), target: scorer.target };
}

/**
 * Deletion curves: the target's probability as the most relevant pixels are set to 0, step by step.
 * A lower area means the map found what the model needs.
 *
 * @example
 * const cam = await gradCam(model, x);
 * const del = await deletionCurves(model, x, cam.map);
 * del.auc; // per image, in [0, 1] for probabilities
 */
export function deletionCurves(model: ConvlensModel, x: FloatTensor, explanation: FloatTensor, options: DeletionInsertionOptions = {}): Promise<ScoreCurves> {
  return perturbationCurves(model, x, explanation, 'deletion', options);
}

/**
 * Insertion curves: the target's probability as the most relevant pixels are copied, step by
 * step, onto a blurred version of the input. A higher area means a more faithful map.
 *
 * @example
 * const ins = await insertionCurves(model, x, cam.map, { steps: 112 });
 */
export function insertionCurves(model: ConvlensModel, x: FloatTensor, explanation: FloatTensor, options: DeletionInsertionOptions = {}): Promise<ScoreCurves> {
  return perturbationCurves(model, x, explanation, 'insertion', options);
}
