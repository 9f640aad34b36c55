/**
 * An onnxruntime session of a training graph: each run takes a batch and the current
 * weights and returns the loss, the model's outputs and every weight gradient.
 */
import type { InferenceSession } from 'onnxruntime-common';
import type { Runtime } from '../engine/runtime.js';
import { ConvlensError } from '../errors.js';
import { encodeModel } from '../onnx/codec.js';
import type { Model } from '../onnx/types.js';
import { lossTensors } from './losses.js';
import { compileTrainingGraph, type TrainingGraph, type TrainingGraphOptions } from './training-graph.js';

export interface TrainingStep {
  /** Batch-mean loss. */
  loss: number;
  /** The model's output `[N, K]`, row-major. */
  outputs: Float32Array;
  /** d loss / d parameter, in the graph's `params` order. */
  gradients: Float32Array[];
}

export class TrainingSession {
  private constructor(readonly graph: TrainingGraph, private readonly session: InferenceSession, private readonly runtime: Runtime) {}

  /**
   * Compiles the training graph of `model` and opens its session (the costly part, done once
   * per batch size).
   *
   * @example
   * const s = await TrainingSession.create(model, { loss: 'mse', batchSize: 16 }, nodeRuntime);
   * const { loss, gradients } = await s.run(x, targets, weights);
   * await s.release();
   */
  static async create(model: Model, options: TrainingGraphOptions, runtime: Runtime): Promise<TrainingSession> {
    const graph = compileTrainingGraph(model, options);
    try {
      const session = await runtime.ort.InferenceSession.create(encodeModel(graph.model), runtime.sessionOptions);
      return new TrainingSession(graph, session, runtime);
    } catch (e) {
      throw new ConvlensError('RUNTIME', `onnxruntime could not load the training graph: ${(e as Error).message}`, { cause: e });
    }
  }

  /**
   * One forward and backward pass over a batch of exactly the compiled size.
   *
   * @param x the batch's inputs `[N, C, H, W]`, row-major
   * @param target the batch's targets `[N, K]`, row-major (one-hot rows for class labels)
   * @param params the current value of each parameter, in `graph.params` order
   */
  async run(x: Float32Array, target: Float32Array, params: Float32Array[]): Promise<TrainingStep> {
    const { graph } = this;
    const { Tensor } = this.runtime.ort;
    const feeds: Record<string, InstanceType<typeof Tensor>> = {
      [graph.input]: new Tensor('float32', x, graph.inputShape),
      [lossTensors.target]: new Tensor('float32', target, graph.outputShape),
    };
    graph.params.forEach((p, i) => { feeds[p.name] = new Tensor('float32', params[i], p.dims); });
    let results: InferenceSession.OnnxValueMapType;
    try {
      results = await this.session.run(feeds);
    } catch (e) {
      throw new ConvlensError('RUNTIME', `onnxruntime failed on a training step: ${(e as Error).message}`, { cause: e });
    }
    const read = (name: string) => results[name].data as Float32Array;
    return { loss: read(lossTensors.loss)[0], outputs: read(graph.output), gradients: graph.gradients.map(read) };
  }

  async release(): Promise<void> {
    await this.session.release();
  }
}
