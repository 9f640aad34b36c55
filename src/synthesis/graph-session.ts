/**
 * An onnxruntime session of a small graph convlens builds itself (the image
 * parameterization and its gradient), opened for one synthesis run and released after it.
 */
import type { InferenceSession } from 'onnxruntime-common';
import type { Runtime } from '../engine/runtime.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { encodeModel } from '../onnx/codec.js';
import type { Model } from '../onnx/types.js';

export class GraphSession {
  private constructor(private readonly session: InferenceSession, private readonly runtime: Runtime, readonly label: string) {}

  static async open(model: Model, runtime: Runtime, label: string): Promise<GraphSession> {
    try {
      return new GraphSession(await runtime.ort.InferenceSession.create(encodeModel(model), runtime.sessionOptions), runtime, label);
    } catch (e) {
      throw new ConvlensError('RUNTIME', `onnxruntime could not load the ${label} graph: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Runs the graph on float feeds and returns the named float outputs. */
  async run(feeds: Record<string, FloatTensor>, outputs: string[]): Promise<Record<string, FloatTensor>> {
    const { Tensor } = this.runtime.ort;
    const ortFeeds = Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, new Tensor('float32', t.data, t.shape)]));
    let out: InferenceSession.OnnxValueMapType;
    try {
      out = await this.session.run(ortFeeds, outputs);
    } catch (e) {
      throw new ConvlensError('RUNTIME', `onnxruntime failed while running the ${this.label} graph: ${(e as Error).message}`, { cause: e });
    }
    return Object.fromEntries(outputs.map((o) => [o, { data: out[o].data as Float32Array, shape: [...out[o].dims] }]));
  }

  release(): Promise<void> {
    return this.session.release();
  }
}
