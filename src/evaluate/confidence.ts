/**
 * Average drop and increase in confidence (Chattopadhay et al. 2018, Grad-CAM++): the model
 * sees only what the map keeps (the input times the map scaled to [0, 1]) and its confidence
 * in the target is compared with the full image's.
 */
import type { ConvlensModel } from '../engine/model.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { normalizeItems } from '../methods/maps.js';
import { itemOf, relevanceMaps } from './relevance.js';
import { targetScorer, type ScoringOptions } from './scoring.js';

export interface ConfidenceResult {
  /** Per image, the score of the full input. */
  original: number[];
  /** Per image, the score of the input multiplied by its map. */
  masked: number[];
  /** Per image, `100 * max(0, original - masked) / original`: the average drop's terms (lower is better). */
  drop: number[];
  /** Per image, 100 when the masked input scores higher than the full one, else 0: the increase's terms. */
  increase: number[];
  target: (number | null)[];
}

/**
 * Scores each input multiplied by its explanation map (min-max scaled per image), one forward
 * per image, all in one batched run.
 *
 * @example
 * const c = await confidenceChange(model, x, cam.map);
 * c.drop;     // e.g. [12.5, 40.1]: percent of confidence lost when only the map is shown
 */
export async function confidenceChange(model: ConvlensModel, x: FloatTensor, explanation: FloatTensor, options: ScoringOptions = {}): Promise<ConfidenceResult> {
  const scorer = await targetScorer(model, x, options);
  const [N, C, H, W] = x.shape;
  const plane = H * W;
  const maps = normalizeItems(relevanceMaps(explanation, x.shape));
  const masked = await scorer.score(N, (n, into) => {
    const image = itemOf(x, n);
    const map = itemOf(maps, n);
    for (let c = 0; c < C; c++) for (let i = 0; i < plane; i++) into[c * plane + i] = image[c * plane + i] * map[i];
    return n;
  });
  const original = Array.from(scorer.original);
  return {
    original,
    masked: Array.from(masked),
    drop: original.map((y, n) => (100 * Math.max(0, y - masked[n])) / y),
    increase: original.map((y, n) => (masked[n] > y ? 100 : 0)),
    target: scorer.target,
  };
}
