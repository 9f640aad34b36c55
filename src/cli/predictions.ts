/** What a model predicts for an image, as one readable line: top classes, or output values. */
import type { ConvlensModel } from '../engine/model.js';
import { softmax } from '../numeric/softmax.js';
import { readAnnotations } from '../onnx/annotations.js';
import { formatPercent } from '../render/figure.js';

export function topPredictions(scores: Float32Array, labels: readonly string[] | null, k: number): string {
  const probs = softmax(scores);
  return Array.from(scores.keys())
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, k)
    .map((c) => `${c}${labels?.[c] ? ` ${labels[c]}` : ''} ${formatPercent(probs[c])}`)
    .join(' | ');
}

/** A regression model's outputs as they are, named by its labels: "sensor 1 (left) 0.412 | ...". */
export function outputValues(values: Float32Array, labels: readonly string[] | null): string {
  return Array.from(values, (v, i) => `${labels?.[i] ?? `output ${i}`} ${Number(v.toPrecision(3))}`).join(' | ');
}

/** Whether the model's outputs are values (a regression annotated `convlens.outputs: "values"`) rather than class scores. */
export function predictsValues(model: ConvlensModel): boolean {
  return readAnnotations(model.onnxModel).outputs === 'values';
}

/** The line `explain` prints for one image: the top-5 classes, or every output value. */
export function predictionLine(model: ConvlensModel, scores: Float32Array): string {
  return predictsValues(model) ? outputValues(scores, model.labels) : topPredictions(scores, model.labels, 5);
}
