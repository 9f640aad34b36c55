/**
 * Runs graph variants of one model: compiles each variant once per input shape, caches its
 * session, splits batches into chunks under the memory budget and joins the results.
 */
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { encodeModel } from '../onnx/codec.js';
import { product } from '../onnx/shapes/dims.js';
import { inferShapes, type ShapeInfo } from '../onnx/shapes/index.js';
import { onnxOpset } from '../onnx/opset.js';
import type { Model } from '../onnx/types.js';
import { chunkRanges, concatBatches, sliceBatch, sumBatches } from './batching.js';
import { activationMemory } from './liveness.js';
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
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

interface VariantMemory {
  /** Arena bytes per item of a run: the liveness peak with the arena's growth. */
  perItem: number;
  /** Bytes of weights the session folds from constants, whatever the batch. */
  folded: number;
}

export interface ProgressOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new ConvlensError('ABORTED', 'The operation was aborted by its AbortSignal.');
}

/**
 * Resident bytes of a session per byte of weights it holds, and of its arena per byte of the
 * liveness peak. Measured on full-width ResNet-50 exports (tools/bench/memory-estimate.ts):
 * creating a session adds 1.2-1.4x its weights (packed copies, graph); onnxruntime's arena
 * grows by doubling regions, to 0.6x the peak for a forward pass (fused and in-place ops) and
 * 1.5x for a gradient graph.
 */
const WEIGHT_OVERHEAD = 1.4;
const ARENA_OVERHEAD = 1.6;

/**
 * onnxruntime's memory pattern would allocate a second block as large as the arena's peak after
 * the first run, while the arena keeps its own regions: twice the memory for no measurable
 * speed-up on CPU.
 */
const sessionDefaults = { enableMemPattern: false };

const formatMiB = (bytes: number) => `${Math.ceil(bytes / MiB)} MiB`;

export class Engine {
  private readonly infos = new Map<string, ShapeInfo>();
  private readonly sessions = new SessionCache<CompiledVariant>();
  private weights: number | undefined;
  /** Memory per item of each variant and item shape. */
  private readonly memories = new Map<string, VariantMemory>();
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

  /** Batch size at which memory per item is estimated: any batch works, the smallest compiles fastest. */
  private get probeBatch(): number {
    return this.fixedBatch ?? 1;
  }

  /** Arena bytes one item needs in a plain forward pass. */
  private forwardBytesPerItem(itemShape: number[]): number {
    const key = `forward-peak|${itemShape.join('x')}`;
    let memory = this.memories.get(key);
    if (!memory) {
      const { peakBytes } = activationMemory(this.model.graph, this.shapeInfo([this.probeBatch, ...itemShape]));
      memory = { perItem: (ARENA_OVERHEAD * peakBytes) / this.probeBatch, folded: 0 };
      this.memories.set(key, memory);
    }
    return memory.perItem;
  }

  /**
   * Bytes of float activations one item writes in a forward pass, every tensor counted once
   * whether or not it is still alive: a measure of a pass's work rather than of its memory.
   */
  activationBytesWritten(itemShape: number[]): number {
    const info = this.shapeInfo([this.probeBatch, ...itemShape]);
    let total = 0;
    for (const node of this.model.graph.nodes) {
      for (const o of node.outputs) {
        const s = info.shapes.get(o);
        if (s && !info.values.has(o)) total += product(s) * 4;
      }
    }
    return total / this.probeBatch;
  }

  /**
   * Memory of a compiled variant, from the lifetimes of its tensors (see {@link activationMemory}):
   * it is compiled once at the probe batch for this, and every intermediate tensor is taken to
   * grow with the batch (weight gradients do not, which errs on the safe side).
   */
  private variantMemory(key: string, itemShape: number[], compile: RunRequest['compile']): VariantMemory {
    const memoryKey = `${key}|${itemShape.join('x')}`;
    let memory = this.memories.get(memoryKey);
    if (!memory) {
      const inputShape = [this.probeBatch, ...itemShape];
      const { model } = compile(this.shapeInfo(inputShape));
      const { peakBytes, foldedBytes } = activationMemory(model.graph, inferShapes(model.graph, onnxOpset(model), { [this.inputName]: inputShape }));
      memory = { perItem: (ARENA_OVERHEAD * peakBytes) / this.probeBatch, folded: foldedBytes };
      this.memories.set(memoryKey, memory);
    }
    return memory;
  }

  /** Bytes of the model's weights: every compiled session holds its own copy. */
  get weightBytes(): number {
    this.weights ??= [...this.model.graph.initializers.values()].reduce((sum, t) => sum + t.raw.byteLength, 0);
    return this.weights;
  }

  /**
   * Largest chunk that fits the memory budget, for a graph needing `factor` times the peak
   * memory of the model's forward pass per item.
   */
  chunkSize(itemShape: number[], items: number, factor: number): number {
    return this.fitChunk(this.forwardBytesPerItem(itemShape) * factor, WEIGHT_OVERHEAD * this.weightBytes, itemShape, items);
  }

  /** Items per chunk: the session's weights (`fixed`) and its arena share the budget; one item at least. */
  private fitChunk(perItem: number, fixed: number, itemShape: number[], items: number): number {
    if (perItem > this.runtime.memoryBudget) {
      throw new ConvlensError('BATCH_TOO_LARGE',
        `One input of shape [${itemShape.join(', ')}] needs about ${formatMiB(perItem)} for this method, more than the memory budget of ${formatMiB(this.runtime.memoryBudget)}. `
        + 'Raise the budget (loadModel option memoryBudget, or --memory-budget MIB on the command line) or use a smaller input size.');
    }
    if (this.fixedBatch) return this.fixedBatch;
    const largest = Math.max(1, Math.min(items, Math.floor((this.runtime.memoryBudget - fixed) / perItem)));
    // Equal chunks need one compiled session shape instead of two.
    return Math.ceil(items / Math.ceil(items / largest));
  }

  /** What a session of the variant holds whatever its batch: weights, folded ones included. */
  private fixedBytes(memory: VariantMemory): number {
    return WEIGHT_OVERHEAD * (this.weightBytes + memory.folded);
  }

  /**
   * Leases the compiled session of a variant for one input shape. Its cost against the budget
   * is what it holds between runs: its weights (and weights folded from them) and its arena,
   * which grows to the chunk's peak of live tensors and stays allocated.
   */
  private session(key: string, inputShape: number[], compile: RunRequest['compile'], memory: VariantMemory) {
    const cacheKey = `${key}|${inputShape.join('x')}`;
    const bytes = this.fixedBytes(memory) + memory.perItem * inputShape[0];
    return this.sessions.acquire(cacheKey, bytes, this.runtime.memoryBudget, async () => {
      const compiled = compile(this.shapeInfo(inputShape));
      try {
        const session = await this.runtime.ort.InferenceSession.create(encodeModel(compiled.model), { ...sessionDefaults, ...this.runtime.sessionOptions });
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
    const memory = this.variantMemory(req.key, input.shape.slice(1), req.compile);
    const chunk = this.fitChunk(memory.perItem, this.fixedBytes(memory), input.shape.slice(1), items);
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
      const lease = await this.session(req.key, [size, ...input.shape.slice(1)], req.compile, memory);
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

  /** Sessions cached now, leased or idle. */
  get sessionCount(): number {
    return this.sessions.size;
  }

  /** Releases every cached session; those in use by running calls as soon as the calls end. */
  dispose(): Promise<void> {
    return this.sessions.clear();
  }
}
