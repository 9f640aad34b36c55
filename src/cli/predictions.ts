/** Top-k predictions as one readable line: softmax probabilities with class names. */
export function topPredictions(scores: Float32Array, labels: readonly string[] | null, k: number): string {
  let max = -Infinity;
  for (const s of scores) max = Math.max(max, s);
  let total = 0;
  const probs = Array.from(scores, (s) => { const e = Math.exp(s - max); total += e; return e; });
  return Array.from(scores.keys())
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, k)
    .map((c) => `${c}${labels?.[c] ? ` ${labels[c]}` : ''} ${((probs[c] / total) * 100).toFixed(1)}%`)
    .join(' | ');
}
