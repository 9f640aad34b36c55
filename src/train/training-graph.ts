/**
 * The training graph: a model's forward pass, its loss and the loss's gradient with respect
 * to every trainable weight, compiled by convlens's autodiff into one ONNX model whose
 * weights are inputs. One run per batch returns the loss, the outputs and all gradients.
 */
import { buildGradientGraph } from '../autodiff/gradient-graph.js';
import { ConvlensError } from '../errors.js';
import { onnxOpset } from '../onnx/opset.js';
import { inferShapes } from '../onnx/shapes/index.js';
import { float32Tensor } from '../onnx/tensor.js';
import { DataType, type Model, type ValueInfo } from '../onnx/types.js';
import { appendLoss, lossTensors, type LossKind } from './losses.js';

export interface TrainingGraphOptions {
  loss: LossKind;
  /** Items per run; the graph is compiled for exactly this batch size. */
  batchSize: number;
  /** Initializers to train. Default: {@link trainableParameters}. */
  trainable?: string[];
}

export interface TrainingGraph {
  /** Inputs: the image input, {@link lossTensors.target} and one per parameter. */
  model: Model;
  /** The model's image input and the output the loss reads. */
  input: string;
  output: string;
  /** `[N, C, H, W]` of the image input and `[N, K]` of the output and target. */
  inputShape: number[];
  outputShape: [number, number];
  /** The trained initializers, each fed as an input of the same name. */
  params: { name: string; dims: number[] }[];
  /** Output name of each parameter's gradient, in `params` order. */
  gradients: string[];
}

/** Ops whose weight inputs (1 and 2: weight and bias) train by default. */
const WEIGHTED_OPS = new Set(['Conv', 'Gemm', 'MatMul']);
const SEED = 'convlens.train/loss_seed';

/**
 * Names of the float initializers that feed Conv, Gemm or MatMul as weight or bias, in the
 * order the graph first uses them.
 *
 * @example
 * trainableParameters(smallCnn({ inputSize: 32, classes: 2 })); // ['features.0.weight', 'features.0.bias', ..., 'fc.bias']
 */
export function trainableParameters(model: Model): string[] {
  const { nodes, initializers } = model.graph;
  const names = new Set<string>();
  for (const node of nodes) {
    if (node.domain !== '' || !WEIGHTED_OPS.has(node.opType)) continue;
    for (const name of node.inputs.slice(1, 3)) {
      if (name && initializers.get(name)?.dataType === DataType.FLOAT) names.add(name);
    }
  }
  return [...names];
}

/** The model's single image input, with its fixed `[C, H, W]`. */
function imageInput(model: Model): { name: string; item: number[] } {
  const inputs = model.graph.inputs.filter((v) => !model.graph.initializers.has(v.name));
  const item = inputs[0]?.shape?.slice(1) ?? [];
  if (inputs.length !== 1 || inputs[0].elemType !== DataType.FLOAT || item.length !== 3 || !item.every((d) => typeof d === 'number' && d > 0)) {
    throw new ConvlensError('BAD_INPUT',
      'convlens trains models with one float32 [N, C, H, W] input of fixed C, H and W; build one with smallCnn or export it with a fixed image size.');
  }
  return { name: inputs[0].name, item: item as number[] };
}

/**
 * Compiles the training graph of `model` for batches of `batchSize`. The loss reads the
 * model's first output, which must be `[N, K]`. The model itself is not modified.
 *
 * @example
 * const g = compileTrainingGraph(smallCnn({ inputSize: 64, classes: 2 }), { loss: 'cross-entropy', batchSize: 32 });
 * // feed g.input, lossTensors.target and every g.params[i].name; fetch lossTensors.loss, g.output, g.gradients
 */
export function compileTrainingGraph(model: Model, options: TrainingGraphOptions): TrainingGraph {
  const { batchSize } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ConvlensError('BAD_OPTION', `The batch size must be a positive integer, got ${batchSize}.`);
  }
  const opset = onnxOpset(model);
  const input = imageInput(model);
  const inputShape = [batchSize, ...input.item];
  const output = model.graph.outputs[0].name;
  const forwardInfo = inferShapes(model.graph, opset, { [input.name]: inputShape });
  const outShape = forwardInfo.shapes.get(output) ?? [];
  if (outShape.length !== 2) {
    throw new ConvlensError('BAD_INPUT', `convlens trains on an [N, K] output; "${output}" is [${outShape.join(', ')}]. Add a Flatten before the loss.`);
  }
  const outputShape: [number, number] = [batchSize, outShape[1]];
  const trainable = options.trainable ?? trainableParameters(model);
  for (const name of trainable) {
    if (model.graph.initializers.get(name)?.dataType !== DataType.FLOAT) {
      throw new ConvlensError('BAD_OPTION', `"${name}" is not a float initializer of the model, so it cannot be trained; trainable ones are ${trainableParameters(model).join(', ')}.`);
    }
  }

  const withLoss = appendLoss(model, options.loss, output, outputShape);
  const info = inferShapes(withLoss.graph, opset, { [input.name]: inputShape, [lossTensors.target]: outputShape });
  const grad = buildGradientGraph(withLoss, info, {
    wrt: trainable,
    seeds: [{ output: lossTensors.loss, seed: SEED }],
    taps: [lossTensors.loss, output],
  });

  // The weights become inputs so each step feeds new values into the same session, and the
  // seed (d loss / d loss = 1) becomes a constant so onnxruntime folds it away.
  const params = trainable.map((name) => ({ name, dims: [...model.graph.initializers.get(name)!.dims] }));
  const initializers = new Map(grad.model.graph.initializers);
  for (const p of params) initializers.delete(p.name);
  initializers.set(SEED, float32Tensor(SEED, [], [1]));
  const paramInputs: ValueInfo[] = params.map((p) => ({ name: p.name, elemType: DataType.FLOAT, shape: p.dims }));
  const compiled: Model = {
    ...grad.model,
    graph: {
      ...grad.model.graph,
      name: `${model.graph.name}_train`,
      inputs: [...grad.model.graph.inputs.filter((v) => v.name !== SEED), ...paramInputs],
      initializers,
    },
  };
  return { model: compiled, input: input.name, output, inputShape, outputShape, params, gradients: trainable.map((n) => grad.gradients.get(n)!) };
}
