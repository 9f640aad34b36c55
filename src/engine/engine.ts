/**
 * Runs graph variants of one model: compiles each variant once per input shape, caches its
 * session, splits batches into chunks under the memory budget and joins the results.
 */
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { encodeModel } from '../onnx/codec.js';
import { inferShapes, type ShapeInfo } from '../onnx/shapes/index.js';
import { onnxOpset } from '../onnx/opset.js';
import type { Model } from '../onnx/types.js';
import { chunkRanges, concatBatches, sliceBatch, sumBatches } from './batching.js';
import { MiB, type Runtime } from './runtime.js';
import { SessionCache } from './session-cache.js';

export interface CompiledVariant {
  model: Model;
  /** Output name in the compiled model for each requested result name. */
  outputs: Record<string, string>;
}

export interface RunRequest {
  /** Identity of the variant (everything `compile` depends on besides the input shape). */
  key: string;
  compile: (info: ShapeInfo) => CompiledVariant;
  /**
   * Feeds split along dim 0. The model input is among them; another feed may hold a whole
   * multiple of its items (several seeds per image), and is split in step.
   */
  batched: Record<string, FloatTensor>;
  /** How each result joins across chunks: per-item results concatenate, weight gradients sum. */
  results: Record<string, 'concat' | 'sum'>;
  /** Intermediate memory per item relative to the forward pass (gradient graphs hold more). */
  memoryFactor?: number;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface ProgressOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new ConvlensError('ABORTED', 'The operation was aborted by its AbortSignal.');
}

const formatMiB = (bytes: number) => `${Math.ceil(bytes / MiB)} MiB`;

export class Engine {
  private readonly infos = new Map<string, ShapeInfo>();
  private readonly sessions = new SessionCache<CompiledVariant>();
  private weights: number | undefined;
  readonly opset: number;
  /** Batch size fixed by the model's declared input shape, or null when it is free. */
  readonly fixedBatch: number | null;

  constructor(readonly runtime: Runtime, readonly model: Model, readonly inputName: string) {
    this.opset = onnxOpset(model);
    const declared = model.graph.inputs.find((v) => v.name === inputName)?.shape?.[0];
    this.fixedBatch = typeof declared === 'number' && declared > 0 ? declared : null;
  }

  /** Shapes of every tensor for a concrete model input shape (cached). */
  shapeInfo(inputShape: number[]): ShapeInfo {
    const key = inputShape.join('x');
    let info = this.infos.get(key);
    if (!info) {
      info = inferShapes(this.model.graph, this.opset, { [this.inputName]: inputShape });
      this.infos.set(key, info);
    }
    return info;
  }

  /** Bytes of float activations one item needs in a forward pass. */
  bytesPerItem(itemShape: number[]): number {
    const batch = this.fixedBatch ?? 1;
    const info = this.shapeInfo([batch, ...itemShape]);
    let total = 0;
    for (const node of this.model.graph.nodes) {
      for (const o of node.outputs) {
        const s = info.shapes.get(o);
        if (s && !info.values.has(o)) total += s.reduce((a, b) => a * b, 1) * 4;
      }
    }
    return total / batch;
  }

  /** Bytes of the model's weights: every compiled session holds its own copy. */
  get weightBytes(): number {
    this.weights ??= [...this.model.graph.initializers.values()].reduce((sum, t) => sum + t.raw.byteLength, 0);
    return this.weights;
  }

  /** Largest chunk that fits the memory budget. */
  chunkSize(itemShape: number[], items: number, factor: number): number {
    const perItem = this.bytesPerItem(itemShape) * factor;
    if (perItem > this.runtime.memoryBudget) {
      throw new ConvlensError('BATCH_TOO_LARGE',
        `One input of shape [${itemShape.join(', ')}] needs about ${formatMiB(perItem)} for this method, more than the memory budget of ${formatMiB(this.runtime.memoryBudget)}. `
        + 'Raise the budget (loadModel option memoryBudget, or --memory-budget MIB on the command line) or use a smaller input size.');
    }
    if (this.fixedBatch) return this.fixedBatch;
    const largest = Math.max(1, Math.min(items, Math.floor(this.runtime.memoryBudget / perItem)));
    // Equal chunks need one compiled session shape instead of two.
    return Math.ceil(items / Math.ceil(items / largest));
  }

  /**
   * Leases the compiled session of a variant for one input shape. Its cost against the budget
   * is its weights plus the arena its runs grow (the chunk's activations, which onnxruntime
   * keeps allocated between runs).
   */
  private session(key: string, inputShape: number[], compile: RunRequest['compile'], factor: number) {
    const cacheKey = `${key}|${inputShape.join('x')}`;
    const bytes = this.weightBytes + this.bytesPerItem(inputShape.slice(1)) * factor * inputShape[0];
    return this.sessions.acquire(cacheKey, bytes, this.runtime.memoryBudget, async () => {
      const compiled = compile(this.shapeInfo(inputShape));
      try {
        const session = await this.runtime.ort.InferenceSession.create(encodeModel(compiled.model), this.runtime.sessionOptions);
        return { session, meta: compiled };
      } catch (e) {
        throw new ConvlensError('RUNTIME', `onnxruntime could not load the compiled ${key.split('|')[0]} graph: ${(e as Error).message}`, { cause: e });
      }
    });
  }

  /** Runs a variant over a batch, chunk by chunk, and joins the results. */
  async run(req: RunRequest): Promise<Record<string, FloatTensor>> {
    throwIfAborted(req.signal);
    const input = req.batched[this.inputName];
    const items = input.shape[0];
    const chunk = this.chunkSize(input.shape.slice(1), items, req.memoryFactor ?? 1);
    const ranges = chunkRanges(items, chunk);
    const parts: Record<string, FloatTensor[]> = Object.fromEntries(Object.keys(req.results).map((k) => [k, []]));
    // Items of each result chunk to keep: padding dropped, repeated items kept in step.
    const kept: Record<string, number[]> = Object.fromEntries(Object.keys(req.results).map((k) => [k, []]));
    const { ort } = this.runtime;
    let done = 0;
    for (const [start, count] of ranges) {
      throwIfAborted(req.signal);
      const size = this.fixedBatch ?? count;
      const feeds: Record<string, InstanceType<typeof ort.Tensor>> = {};
      for (const [name, t] of Object.entries(req.batched)) {
        const r = t.shape[0] / items;
        const part = sliceBatch(t, start * r, count * r, size * r);
        feeds[name] = new ort.Tensor('float32', part.data, part.shape);
      }
      const lease = await this.session(req.key, [size, ...input.shape.slice(1)], req.compile, req.memoryFactor ?? 1);
      const { session, meta } = lease;
      let out;
      try {
        out = await session.run(feeds, Object.values(meta.outputs));
      } catch (e) {
        throw new ConvlensError('RUNTIME', `onnxruntime failed while running the ${req.key.split('|')[0]} graph: ${(e as Error).message}`, { cause: e });
      } finally {
        lease.release();
      }
      for (const [result, name] of Object.entries(meta.outputs)) {
        const t = out[name];
        parts[result].push({ data: t.data as Float32Array, shape: [...t.dims] });
        kept[result].push(count * (Number(t.dims[0]) / size));
      }
      done += count;
      req.onProgress?.(done, items);
    }
    const joined: Record<string, FloatTensor> = {};
    for (const [result, how] of Object.entries(req.results)) {
      joined[result] = how === 'sum' ? sumBatches(parts[result]) : concatBatches(parts[result], kept[result]);
    }
    return joined;
  }

  /** Estimated bytes held by cached sessions (weights and arenas). */
  get sessionBytes(): number {
    return this.sessions.residentBytes;
  }

  /** Releases every cached session; those in use by running calls as soon as the calls end. */
  dispose(): Promise<void> {
    return this.sessions.clear();
  }
}
