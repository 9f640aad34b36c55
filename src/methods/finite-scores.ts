/**
 * Scores that come out NaN or infinite mean a broken model (NaN in its weights, a division by
 * zero), not an explanation: such a result is refused with `NON_FINITE`, naming the first node
 * whose output is not finite so the user knows where to look.
 */
import { sliceBatch } from '../engine/batching.js';
import { firstNonFinite } from '../engine/finite.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { executionOrder } from '../onnx/shapes/index.js';
import { tapGraph } from '../onnx/variants.js';

/** The first node, in execution order, whose float output is not finite for one input item. */
async function firstNonFiniteNode(model: ConvlensModel, item: FloatTensor): Promise<string | undefined> {
  const shape = [model.engine.fixedBatch ?? 1, ...model.itemShape];
  const info = model.engine.shapeInfo(shape);
  const { graph } = model.onnxModel;
  const order = executionOrder(graph, new Set([model.inputName, ...graph.initializers.keys()]));
  const tensors = order.flatMap((i) => graph.nodes[i].outputs.filter((o) => o !== '' && info.types.get(o) === 1 && !info.values.has(o)));
  const out = await model.engine.run({
    key: 'non-finite diagnosis',
    compile: (i) => ({ model: tapGraph(model.onnxModel, i, tensors), outputs: Object.fromEntries(tensors.map((t) => [t, t])) }),
    batched: { [model.inputName]: item },
    results: Object.fromEntries(tensors.map((t) => [t, 'concat' as const])),
  });
  for (const i of order) {
    const node = graph.nodes[i];
    if (node.outputs.some((o) => out[o] && firstNonFinite(out[o].data) >= 0)) return `${node.name || '(unnamed)'}" (${node.opType}`;
  }
  return undefined;
}

/**
 * Throws `NON_FINITE` when the model output `name` holds NaN or an infinity for any item of
 * `x`, naming the first node whose output is not finite for the first such item.
 *
 * @example
 * await checkFiniteScores(model, x, scores, model.outputName);
 */
export async function checkFiniteScores(model: ConvlensModel, x: FloatTensor, scores: FloatTensor, name: string): Promise<void> {
  const bad = firstNonFinite(scores.data);
  if (bad < 0) return;
  const item = Math.floor(bad / (scores.data.length / scores.shape[0]));
  // Scores may cover repeated items (several targets per image); the input items map back in order.
  const inputItem = Math.min(x.shape[0] - 1, Math.floor((item * x.shape[0]) / scores.shape[0]));
  let culprit: string | undefined;
  try {
    culprit = await firstNonFiniteNode(model, sliceBatch(x, inputItem, 1));
  } catch {
    culprit = undefined; // the diagnosis is a courtesy; the error below stands without it
  }
  throw new ConvlensError('NON_FINITE',
    `The model output "${name}" is ${scores.data[bad]} for input item ${inputItem}`
    + (culprit ? `; the first node whose output is not finite is "${culprit})` : '')
    + '. The model (its weights or an op such as a division or logarithm) produces non-finite values for this input; check the model, for instance with onnxruntime directly.');
}
