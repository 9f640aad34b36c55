/** Top-k predictions as one readable line: softmax probabilities with class names. */
import { softmax } from '../methods/scores.js';

export function topPredictions(scores: Float32Array, labels: readonly string[] | null, k: number): string {
  const probs = softmax(scores);
  return Array.from(scores.keys())
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, k)
    .map((c) => `${c}${labels?.[c] ? ` ${labels[c]}` : ''} ${(probs[c] * 100).toFixed(1)}%`)
    .join(' | ');
}
