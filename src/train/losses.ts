/**
 * Training losses as ONNX nodes appended to a model's forward graph, so one run of the
 * training graph computes the loss and, through convlens's autodiff, its weight gradients.
 * Both are batch means, as PyTorch's default `reduction='mean'`.
 */
import { float32Tensor } from '../onnx/tensor.js';
import { DataType, type Attribute, type Model, type OnnxNode, type Tensor } from '../onnx/types.js';

export type LossKind = 'cross-entropy' | 'mse';

/** Names of the tensors a loss adds. */
export const lossTensors = {
  /** Graph input [N, K]: one-hot (or soft) class targets, or regression targets. */
  target: 'convlens.train/target',
  /** Scalar output: the batch-mean loss. */
  loss: 'convlens.train/loss',
} as const;

const PREFIX = 'convlens.train/';

/**
 * `model` with the loss of its output `output` ([N, K]) against a new input
 * {@link lossTensors.target} appended, for batches of exactly `batchSize` items (the mean's
 * 1/N is a constant). Cross-entropy is −Σ target · log_softmax(output) / N, which for one-hot
 * targets is PyTorch's `cross_entropy`; MSE is Σ (output − target)² / (N·K), PyTorch's `mse_loss`.
 *
 * @example
 * const withLoss = appendLoss(model, 'cross-entropy', 'logits', [32, 10]);
 * // inputs: input, convlens.train/target [32, 10]; outputs: logits, convlens.train/loss []
 */
export function appendLoss(model: Model, kind: LossKind, output: string, [n, k]: [number, number]): Model {
  const nodes: OnnxNode[] = [];
  const initializers = new Map<string, Tensor>(model.graph.initializers);
  const add = (opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, out = `${PREFIX}${opType}_${nodes.length}`) => {
    nodes.push({ name: `${PREFIX}${opType}_node_${nodes.length}`, opType, domain: '', inputs, outputs: [out], attributes, metadata: {} });
    return out;
  };
  const scalar = (name: string, value: number) => {
    initializers.set(`${PREFIX}${name}`, float32Tensor(`${PREFIX}${name}`, [], [value]));
    return `${PREFIX}${name}`;
  };
  const target = lossTensors.target;
  // ReduceSum with no axes input reduces every axis; keepdims 0 leaves a scalar.
  const sumAll = (x: string) => add('ReduceSum', [x], { keepdims: { kind: 'int', value: 0 } });
  if (kind === 'cross-entropy') {
    const logProbabilities = add('LogSoftmax', [output], { axis: { kind: 'int', value: 1 } });
    add('Mul', [sumAll(add('Mul', [logProbabilities, target])), scalar('scale', -1 / n)], {}, lossTensors.loss);
  } else {
    const error = add('Sub', [output, target]);
    add('Mul', [sumAll(add('Mul', [error, error])), scalar('scale', 1 / (n * k))], {}, lossTensors.loss);
  }
  return {
    ...model,
    graph: {
      ...model.graph,
      nodes: [...model.graph.nodes, ...nodes],
      inputs: [...model.graph.inputs, { name: target, elemType: DataType.FLOAT, shape: [n, k] }],
      outputs: [...model.graph.outputs, { name: lossTensors.loss, elemType: DataType.FLOAT, shape: [] }],
      initializers,
    },
  };
}
