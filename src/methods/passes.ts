/**
 * The two passes every method is made of: a forward pass that returns chosen tensors, and a
 * backward pass that returns gradients of a target (and forward tensors) from one run.
 */
import { buildGradientGraph } from '../autodiff/gradient-graph.js';
import type { ReluRule } from '../autodiff/vjp.js';
import type { ProgressOptions } from '../engine/engine.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../image/types.js';
import type { ShapeInfo } from '../onnx/shapes/index.js';
import { tapGraph } from '../onnx/variants.js';
import { checkFiniteScores } from './finite-scores.js';
import { gatherItems, needsScores, resolveTargets, type ResolvedTargets, type Target } from './targets.js';

const SEED = 'convlens.seed';

/** Forward pass returning the given tensors (graph outputs or intermediate tensors). */
export async function forward(model: ConvlensModel, x: FloatTensor, tensors: string[], options: ProgressOptions = {}): Promise<Record<string, FloatTensor>> {
  model.checkInput(x);
  const results = Object.fromEntries(tensors.map((t) => [t, 'concat' as const]));
  const out = await model.engine.run({
    key: `forward|${tensors.join(',')}`,
    compile: (info) => ({ model: tapGraph(model.graph, info, tensors), outputs: Object.fromEntries(tensors.map((t) => [t, t])) }),
    batched: { [model.inputName]: x },
    results,
    ...options,
  });
  for (const output of model.graph.graph.outputs) {
    if (out[output.name]) await checkFiniteScores(model, x, out[output.name], output.name);
  }
  return out;
}

/** The output a target refers to: `name` when given (it must be a graph output), else the first. */
export function selectOutput(model: ConvlensModel, name?: string): string {
  if (name === undefined) return model.outputName;
  const outputs = model.graph.graph.outputs.map((o) => o.name);
  if (!outputs.includes(name)) {
    throw new ConvlensError('BAD_OPTION', `"${name}" is not an output of the model; its outputs are ${outputs.map((o) => `"${o}"`).join(', ')}.`);
  }
  return name;
}

/** Shape of one item of a tensor at the model's input size. */
export function itemShapeOf(model: ConvlensModel, tensor: string): number[] {
  return model.engine.shapeInfo([model.engine.fixedBatch ?? 1, ...model.itemShape]).shapes.get(tensor)!.slice(1);
}

export interface BackwardRequest extends ProgressOptions {
  target?: Target;
  /** Which model output the target refers to (default: the first). */
  output?: string;
  relu?: ReluRule;
  /** Tensors to differentiate with respect to (the input, layer outputs, weights). */
  wrt: string[];
  /** Forward tensors returned by the same run. */
  taps?: string[];
  /** `wrt` tensors whose gradients come back averaged over their spatial dims, `[M, C, 1, 1]`. */
  spatialMeans?: string[];
}

export interface BackwardResult {
  targets: ResolvedTargets;
  gradients: Record<string, FloatTensor>;
  taps: Record<string, FloatTensor>;
  /** Model outputs per explained item. */
  scores: FloatTensor;
}

/** Gradients of the target with respect to `wrt`, plus taps and scores, from one batched run. */
export async function backward(model: ConvlensModel, x: FloatTensor, req: BackwardRequest): Promise<BackwardResult> {
  model.checkInput(x);
  const output = selectOutput(model, req.output);
  // Only the gradient run reports progress: a second counter would fill the bar before the main work starts.
  const scores0 = needsScores(req.target) ? (await forward(model, x, [output], { signal: req.signal }))[output] : undefined;
  const targets = resolveTargets(req.target, { images: x.shape[0], outputShape: itemShapeOf(model, output), scores: scores0, labels: model.labels });
  const perImage = targets.image.length / x.shape[0];
  const uniform = Number.isInteger(perImage) && targets.image.every((img, m) => img === Math.floor(m / perImage));
  // Several targets per image share one forward pass when every batch-dependent tensor keeps the batch in dim 0.
  const repeats = perImage > 1 && uniform && !model.engine.fixedBatch
    && batchedTensors(model, model.engine.shapeInfo([1, ...model.itemShape])) !== null ? perImage : 1;
  const items = repeats > 1 ? x : gatherItems(x, targets.image);
  const weights = req.wrt.filter((w) => model.graph.graph.initializers.has(w));
  const taps = [...new Set([...(req.taps ?? []), output])];
  const relu = req.relu ?? 'standard';
  const results: Record<string, 'concat' | 'sum'> = {};
  for (const w of req.wrt) results[`d:${w}`] = weights.includes(w) ? 'sum' : 'concat';
  for (const t of taps) results[`t:${t}`] = 'concat';
  const out = await model.engine.run({
    key: `gradient|${relu}|${repeats}|${req.wrt.join(',')}|${taps.join(',')}|${(req.spatialMeans ?? []).join(',')}`,
    compile: (info) => {
      const batched = repeats > 1 ? batchedTensors(model, info) : null;
      const g = buildGradientGraph(model.graph, info, {
        wrt: req.wrt, seeds: [{ output, seed: SEED }], relu, taps, repeats: batched ? { count: repeats, batched } : undefined, spatialMeans: req.spatialMeans,
      });
      const outputs: Record<string, string> = {};
      for (const w of req.wrt) outputs[`d:${w}`] = g.gradients.get(w)!;
      for (const t of taps) outputs[`t:${t}`] = t;
      return { model: g.model, outputs };
    },
    batched: { [model.inputName]: items, [SEED]: targets.seeds },
    results,
    signal: req.signal,
    onProgress: req.onProgress,
  });
  const perItem = (t: FloatTensor) => (repeats > 1 ? gatherItems(t, targets.image) : t);
  await checkFiniteScores(model, items, out[`t:${output}`], output);
  return {
    targets,
    gradients: Object.fromEntries(req.wrt.map((w) => [w, out[`d:${w}`]])),
    taps: Object.fromEntries(taps.map((t) => [t, perItem(out[`t:${t}`])])),
    scores: perItem(out[`t:${output}`]),
  };
}

/**
 * Tensors whose dim 0 is the batch, found by comparing shapes at two batch sizes; null when
 * some tensor depends on the batch size in another way (a transposed batch), where repeating
 * items along dim 0 would be wrong.
 */
function batchedTensors(model: ConvlensModel, info: ShapeInfo): Set<string> | null {
  const n = info.shapes.get(model.inputName)![0];
  let other: ShapeInfo;
  try {
    other = model.engine.shapeInfo([n + 1, ...model.itemShape]);
  } catch {
    return null; // the graph bakes in its batch size somewhere
  }
  const batched = new Set<string>();
  for (const [name, shape] of info.shapes) {
    const s2 = other.shapes.get(name);
    if (!s2 || (s2.length === shape.length && s2.every((d, i) => d === shape[i]))) continue;
    const dim0 = shape[0] === n && s2[0] === n + 1 && s2.length === shape.length && s2.every((d, i) => i === 0 || d === shape[i]);
    if (!dim0 || info.types.get(name) !== 1) {
      if (info.types.get(name) === 1) return null;
      continue;
    }
    batched.add(name);
  }
  return batched;
}
