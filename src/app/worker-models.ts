/** Worker side of opening models: the backend probe, loading with progress, top-5 predictions. */
import {
  browserThreading, checkWebGpu, defaultCamLayer, encodeModel, forward, loadModel, methodRegistry, readAnnotations, type ConvlensModel,
} from '../browser/index.js';
import type { Backend, MethodInfo, ModelInfo, Prediction, Slot } from './protocol.js';
import type { WorkerState } from './worker-state.js';

/** onnxruntime-web's WebAssembly files are served by the app itself, next to the worker. */
const ortFolder = new URL('./ort/', import.meta.url).href;

/**
 * The onnxruntime-web build per backend. WebGPU needs the WebGPU build, whose WebAssembly
 * is instrumented for asynchronous calls (Asyncify) and so runs the CPU kernels markedly
 * slower; WASM runs the plain build.
 */
function ortBuild(provider: Backend['name']): { mjs: string; wasm: string } {
  const stem = provider === 'webgpu' ? 'ort-wasm-simd-threaded.asyncify' : 'ort-wasm-simd-threaded';
  return { mjs: `${ortFolder}${stem}.mjs`, wasm: `${ortFolder}${stem}.wasm` };
}

let backend: Backend | null = null;

interface GpuNavigator { gpu?: { requestAdapter(): Promise<unknown> } }

/** A one-Relu model, built here so no file is fetched for it. */
function warmUpModel(): Uint8Array {
  const io = (name: string) => ({ name, elemType: 1, shape: [1, 1, 1, 1] });
  return encodeModel({
    irVersion: 8, opsets: [{ domain: '', version: 17 }], producerName: 'convlens', producerVersion: '', metadata: {}, functions: [],
    graph: {
      name: 'warm-up', inputs: [io('x')], outputs: [io('y')], initializers: new Map(), valueInfo: [],
      nodes: [{ name: 'relu', opType: 'Relu', domain: '', inputs: ['x'], outputs: ['y'], attributes: {}, metadata: {} }],
    },
  });
}

/**
 * Starts onnxruntime-web (fetching and compiling its WebAssembly, starting its threads) by
 * running a one-op model, so the first model the user opens pays only for itself.
 */
async function warmUp(provider: Backend['name']): Promise<void> {
  const model = await loadModel(warmUpModel(), { wasmPaths: ortBuild(provider), executionProvider: provider, preprocess: 'unit', labels: ['y'] });
  try {
    await forward(model, { data: new Float32Array([1]), shape: [1, 1, 1, 1] }, [model.outputName]);
  } finally {
    await model.dispose();
  }
}

/**
 * WebGPU when the browser gives an adapter, else WASM (with threads when the page is
 * cross-origin isolated). `wanted` forces one (the page's `?backend=`).
 */
export async function probeBackend(wanted?: 'wasm' | 'webgpu'): Promise<Backend> {
  if (backend) return backend;
  let name: Backend['name'] = 'wasm';
  if (wanted !== 'wasm') {
    const gpu = (globalThis.navigator as GpuNavigator | undefined)?.gpu;
    const adapter = gpu ? await gpu.requestAdapter().catch(() => null) : null;
    if (adapter) name = 'webgpu';
  }
  await warmUp(name);
  const threading = browserThreading();
  backend = { name, threads: threading.threads, isolated: threading.isolated, note: threading.note };
  return backend;
}

function methodInfo(): MethodInfo[] {
  return methodRegistry.map((m) => ({
    name: m.name, description: m.description, usesLayer: m.usesLayer, display: m.display, gradients: m.gradients,
    options: Object.values(m.options).map((o) => ({ flag: o.flag, value: o.value, help: o.help })),
  }));
}

function camLayerOf(model: ConvlensModel): string | null {
  try {
    return model.resolveLayer(defaultCamLayer(model));
  } catch {
    return null;
  }
}

/** What the page shows of a model; layers are named by their tensors in requests. */
export function describeModel(model: ConvlensModel, label: string, notice: string | null = null): ModelInfo {
  const convs = new Set(model.onnxModel.graph.nodes.filter((n) => n.opType === 'Conv').map((n) => n.name));
  return {
    label,
    layers: model.layers.map((l) => ({ name: l.name, tensor: l.tensor, module: l.module, op: l.op, shape: l.shape, conv: l.op === 'Conv' && convs.has(l.name) })),
    labels: model.labels ? [...model.labels] : null,
    itemShape: model.itemShape,
    values: readAnnotations(model.onnxModel).outputs === 'values',
    camLayer: camLayerOf(model),
    differentiable: model.differentiable,
    methods: methodInfo(),
    notice,
  };
}

/** Opens a model from a URL or a dropped file into `slot`; its sessions are compiled on first use (the predictions). */
export async function openModel(
  state: WorkerState, slot: Slot, source: { url?: string; file?: Blob; name?: string },
  signal: AbortSignal, progress: (done: number, total: number, label: string) => void,
): Promise<ModelInfo> {
  const { name: provider } = await probeBackend();
  const label = source.name ?? source.url ?? 'the model file';
  progress(0, 3, `reading ${label}`);
  let model = await loadModel(source.file ?? source.url!, { wasmPaths: ortBuild(provider), executionProvider: provider, signal });
  try {
    let notice: string | null = null;
    if (provider === 'webgpu') {
      progress(1, 3, 'checking WebGPU against the CPU kernels');
      ({ model, notice } = await checkWebGpu(model, {}, signal));
    }
    progress(2, 3, 'listing layers');
    const info = describeModel(model, label, notice);
    await state.replaceModel(slot, model);
    progress(3, 3, 'ready');
    return info;
  } catch (e) {
    await model.dispose();
    throw e;
  }
}

function softmax(v: Float32Array): Float64Array {
  const max = v.reduce((m, x) => Math.max(m, x), -Infinity);
  const e = Float64Array.from(v, (x) => Math.exp(x - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / sum);
}

/** The top-5 classes with softmax probabilities, or every output value of a regression model. */
export async function predict(state: WorkerState, slot: Slot, signal: AbortSignal): Promise<Prediction[]> {
  const model = state.model(slot);
  const image = state.currentPicture().image;
  const scores = await state.outputScores(slot, async () => (await forward(model, await model.preprocess([image]), [model.outputName], { signal }))[model.outputName].data);
  const name = (i: number) => model.labels?.[i] ?? (readAnnotations(model.onnxModel).outputs === 'values' ? `output ${i}` : `class ${i}`);
  if (readAnnotations(model.onnxModel).outputs === 'values') return Array.from(scores, (score, index) => ({ index, label: name(index), score }));
  const probs = softmax(scores);
  return Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a] || a - b).slice(0, 5)
    .map((index) => ({ index, label: name(index), score: probs[index] }));
}
