/**
 * Training loop: minibatches in a seeded order through a compiled training graph, weight
 * updates in JavaScript, and a new model with the trained weights at the end.
 */
import type { Runtime } from '../engine/runtime.js';
import { ConvlensError } from '../errors.js';
import { float32Tensor, tensorToFloat32 } from '../onnx/tensor.js';
import type { Model } from '../onnx/types.js';
import { argmaxRow } from '../numeric/softmax.js';
import { gatherRows, seededShuffler, targetRows, type TrainingData } from './data.js';
import type { LossKind } from './losses.js';
import { createOptimizer, type OptimizerSpec } from './optimizers.js';
import { trainableParameters } from './training-graph.js';
import { TrainingSession } from './training-session.js';

export interface TrainProgress {
  /** 0-based epoch and step within it, and the steps per epoch. */
  epoch: number;
  step: number;
  steps: number;
  /** This batch's mean loss and, for cross-entropy, its accuracy. */
  loss: number;
  accuracy?: number;
}

export interface EpochRecord {
  epoch: number;
  /** Mean loss over the epoch's items, measured before each batch's update. */
  loss: number;
  accuracy?: number;
}

export interface TrainOptions {
  loss: LossKind;
  optimizer: OptimizerSpec;
  epochs: number;
  batchSize: number;
  /** Seeds the order of items in each epoch. Default 0. */
  seed?: number;
  /** Initializers to train. Default: every Conv, Gemm and MatMul weight and bias. */
  trainable?: string[];
  onProgress?: (progress: TrainProgress) => void;
  signal?: AbortSignal;
  runtime: Runtime;
}

export interface TrainResult {
  /** A new model: the input model with the trained initializers replaced. */
  model: Model;
  history: EpochRecord[];
}

/**
 * Trains `model` on `data` with minibatch gradients from convlens's own autodiff. Every
 * item is used once per epoch; a last, smaller batch runs through a second session. Same
 * data, options and seed give the same weights, byte for byte.
 *
 * @example
 * const { model: trained, history } = await train(smallCnn({ inputSize: 64, classes: 2 }), { x, y: labels }, {
 *   loss: 'cross-entropy', optimizer: { kind: 'adam', lr: 1e-3 }, epochs: 5, batchSize: 32, runtime: nodeRuntime,
 * });
 */
export async function train(model: Model, data: TrainingData, options: TrainOptions): Promise<TrainResult> {
  const { batchSize, epochs, signal } = options;
  if (!Number.isInteger(epochs) || epochs < 0) throw new ConvlensError('BAD_OPTION', `epochs must be a non-negative integer, got ${epochs}.`);
  const trainable = options.trainable ?? trainableParameters(model);
  const n = data.x.shape[0];
  if (!Number.isInteger(n) || n < 1) throw new ConvlensError('BAD_INPUT', 'Training needs at least one input item ([N, C, H, W] with N >= 1).');
  const sessions = new Map<number, Promise<TrainingSession>>();
  const sessionFor = (size: number) => {
    let s = sessions.get(size);
    if (!s) {
      s = TrainingSession.create(model, { loss: options.loss, batchSize: size, trainable }, options.runtime);
      sessions.set(size, s);
    }
    return s;
  };
  try {
    const first = await sessionFor(Math.min(batchSize, n));
    const [, k] = first.graph.outputShape;
    const item = first.graph.inputShape.slice(1);
    if (data.x.shape.length !== 4 || data.x.shape.slice(1).some((d, i) => d !== item[i])) {
      throw new ConvlensError('BAD_INPUT', `The model takes [N, ${item.join(', ')}] inputs; the training inputs are [${data.x.shape.join(', ')}]. Resize them, or build the model for their size.`);
    }
    const targets = targetRows(data, options.loss, k);
    const itemSize = data.x.data.length / n;
    // Copies, so the caller's model keeps its weights and the optimizer updates in place.
    const params = trainable.map((name) => Float32Array.from(tensorToFloat32(model.graph.initializers.get(name)!)));
    const optimizer = createOptimizer(options.optimizer, params.map((p) => p.length));
    const shuffle = seededShuffler(options.seed ?? 0);
    const steps = Math.ceil(n / batchSize);
    const history: EpochRecord[] = [];
    for (let epoch = 0; epoch < epochs; epoch++) {
      const order = shuffle(n);
      let lossSum = 0;
      let correct = 0;
      for (let step = 0; step < steps; step++) {
        if (signal?.aborted) throw new ConvlensError('ABORTED', 'Training was aborted by its AbortSignal.');
        const indices = order.subarray(step * batchSize, Math.min(n, (step + 1) * batchSize));
        const session = await sessionFor(indices.length);
        const target = gatherRows(targets, k, indices);
        const r = await session.run(gatherRows(data.x.data, itemSize, indices), target, params);
        optimizer.step(params, r.gradients);
        lossSum += r.loss * indices.length;
        if (options.loss === 'cross-entropy') {
          let hits = 0;
          for (let i = 0; i < indices.length; i++) if (argmaxRow(r.outputs, i, k) === argmaxRow(target, i, k)) hits++;
          correct += hits;
          options.onProgress?.({ epoch, step, steps, loss: r.loss, accuracy: hits / indices.length });
        } else {
          options.onProgress?.({ epoch, step, steps, loss: r.loss });
        }
      }
      history.push(options.loss === 'cross-entropy' ? { epoch, loss: lossSum / n, accuracy: correct / n } : { epoch, loss: lossSum / n });
    }
    return { model: withParameters(model, trainable, params), history };
  } finally {
    await Promise.all([...sessions.values()].map((s) => s.then((x) => x.release(), () => undefined)));
  }
}

/**
 * A copy of `model` whose initializers `names` hold `values` (same dims); everything else,
 * the input included, is shared with `model`.
 *
 * @example
 * const updated = withParameters(model, ['fc.bias'], [Float32Array.of(0.1, -0.1)]);
 */
export function withParameters(model: Model, names: string[], values: Float32Array[]): Model {
  const initializers = new Map(model.graph.initializers);
  names.forEach((name, i) => {
    const dims = model.graph.initializers.get(name)!.dims;
    initializers.set(name, float32Tensor(name, dims, Float32Array.from(values[i])));
  });
  return { ...model, graph: { ...model.graph, initializers } };
}
