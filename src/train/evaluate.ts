/**
 * Plain forward passes of a (trained) model over a dataset: its outputs, and its loss and
 * accuracy against targets.
 */
import type { Runtime } from '../engine/runtime.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { encodeModel } from '../onnx/codec.js';
import type { Model } from '../onnx/types.js';
import { argmaxRow } from '../numeric/softmax.js';
import { targetRows, type TrainingData } from './data.js';
import type { LossKind } from './losses.js';

/**
 * The model's first output for every item of `x` ([N, C, H, W]), run in batches of
 * `batchSize` through the model as it is (no convlens graph variant).
 *
 * @example
 * const logits = await predict(trained, x, nodeRuntime); // { data, shape: [N, K] }
 */
export async function predict(model: Model, x: FloatTensor, runtime: Runtime, batchSize = 64): Promise<FloatTensor> {
  const input = model.graph.inputs.find((v) => !model.graph.initializers.has(v.name))!.name;
  const output = model.graph.outputs[0].name;
  const [n, ...item] = x.shape;
  const itemSize = item.reduce((a, b) => a * b, 1);
  let session;
  try {
    session = await runtime.ort.InferenceSession.create(encodeModel(model), runtime.sessionOptions);
  } catch (e) {
    throw new ConvlensError('RUNTIME', `onnxruntime could not load the model: ${(e as Error).message}`, { cause: e });
  }
  try {
    const parts: Float32Array[] = [];
    let rowShape: readonly number[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const count = Math.min(batchSize, n - start);
      const feed = new runtime.ort.Tensor('float32', x.data.subarray(start * itemSize, (start + count) * itemSize), [count, ...item]);
      const result = (await session.run({ [input]: feed }))[output];
      parts.push(result.data as Float32Array);
      rowShape = result.dims.slice(1);
    }
    const data = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let offset = 0;
    for (const p of parts) { data.set(p, offset); offset += p.length; }
    return { data, shape: [n, ...rowShape] };
  } finally {
    await session.release();
  }
}

export interface Evaluation {
  /** Mean loss over the items (cross-entropy, or MSE per output value). */
  loss: number;
  /** Fraction of items whose top class is the target's (cross-entropy only). */
  accuracy?: number;
  /** The model's outputs `[N, K]`. */
  outputs: FloatTensor;
}

/**
 * Loss and accuracy of `model` on `data`, with the same target conventions and loss
 * definitions as {@link train}.
 *
 * @example
 * const { accuracy } = await evaluate(trained, { x, y: labels }, nodeRuntime);
 * const { loss: mse } = await evaluate(regressor, { x, y: values }, nodeRuntime, { loss: 'mse' });
 */
export async function evaluate(model: Model, data: TrainingData, runtime: Runtime, options: { loss?: LossKind; batchSize?: number } = {}): Promise<Evaluation> {
  const loss = options.loss ?? 'cross-entropy';
  const outputs = await predict(model, data.x, runtime, options.batchSize);
  const [n, k] = outputs.shape;
  const targets = targetRows(data, loss, k);
  const out = outputs.data;
  let total = 0;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    if (loss === 'mse') {
      for (let c = 0; c < k; c++) total += (out[i * k + c] - targets[i * k + c]) ** 2;
      continue;
    }
    let max = -Infinity;
    for (let c = 0; c < k; c++) max = Math.max(max, out[i * k + c]);
    let sumExp = 0;
    for (let c = 0; c < k; c++) sumExp += Math.exp(out[i * k + c] - max);
    const logNorm = max + Math.log(sumExp);
    for (let c = 0; c < k; c++) total -= targets[i * k + c] * (out[i * k + c] - logNorm);
    if (argmaxRow(out, i, k) === argmaxRow(targets, i, k)) hits++;
  }
  return loss === 'mse' ? { loss: total / (n * k), outputs } : { loss: total / n, accuracy: hits / n, outputs };
}
