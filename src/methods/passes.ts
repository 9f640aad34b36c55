/**
 * The two passes every method is made of: a forward pass that returns chosen tensors, and a
 * backward pass that returns gradients of a target (and forward tensors) from one run.
 */
import { buildGradientGraph, type GradientOutputs } from '../autodiff/gradient-graph.js';
import type { ReluRule } from '../autodiff/vjp.js';
import type { ProgressOptions } from '../engine/engine.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import type { ShapeInfo } from '../onnx/shapes/index.js';
import type { ValueInfo } from '../onnx/types.js';
import { tapGraph } from '../onnx/variants.js';
import { checkFiniteScores } from './finite-scores.js';
import type { TargetOptions } from './method-skeleton.js';
import { gatherItems, needsScores, resolveTargets, type ResolvedTargets } from './targets.js';

const SEED = 'convlens.seed';

/** Forward pass returning the given tensors (graph outputs or intermediate tensors). */
export async function forward(model: ConvlensModel, x: FloatTensor, tensors: string[], options: ProgressOptions = {}): Promise<Record<string, FloatTensor>> {
  model.checkInput(x);
  const results = Object.fromEntries(tensors.map((t) => [t, 'concat' as const]));
  const out = await model.engine.run({
    key: `forward|${tensors.join(',')}`,
    compile: (info) => ({ model: tapGraph(model.onnxModel, info, tensors), outputs: Object.fromEntries(tensors.map((t) => [t, t])) }),
    batched: { [model.inputName]: x },
    results,
    ...options,
  });
  for (const output of model.onnxModel.graph.outputs) {
    if (out[output.name]) await checkFiniteScores(model, x, out[output.name], output.name);
  }
  return out;
}

/** The output a target refers to: `name` when given (it must be a graph output), else the first. */
export function selectOutput(model: ConvlensModel, name?: string): string {
  if (name === undefined) return model.outputName;
  const outputs = model.onnxModel.graph.outputs.map((o) => o.name);
  if (!outputs.includes(name)) {
    throw new ConvlensError('BAD_OPTION', `"${name}" is not an output of the model; its outputs are ${outputs.map((o) => `"${o}"`).join(', ')}.`);
  }
  return name;
}

/** Shape of one item of a tensor at the model's input size. */
export function itemShapeOf(model: ConvlensModel, tensor: string): number[] {
  return model.shapeInfo().shapes.get(tensor)!.slice(1);
}

/** The output a method's target refers to, the target resolved into explained items, and the tensors computed for it. */
export interface TargetPass {
  output: string;
  targets: ResolvedTargets;
  /** The forward pass at the input: `taps` and the output (empty when none was needed). */
  tensors: Record<string, FloatTensor>;
}

/**
 * What every method does first: checks the input, picks the output the target refers to and
 * resolves the target into explained items. With `taps`, one forward pass returns them and
 * the output; without, the output is computed only when the target needs it (top-k). The
 * pass reports progress only through `progress`: by default only a method's main run does,
 * since a second counter would make the bar jump backwards.
 *
 * @example
 * const { output, targets, tensors } = await targetPass(model, x, { target: 'top1' }, ['layer4.1.relu']);
 */
export async function targetPass(model: ConvlensModel, x: FloatTensor, options: TargetOptions, taps?: string[], progress: ProgressOptions = { signal: options.signal }): Promise<TargetPass> {
  model.checkInput(x);
  const output = selectOutput(model, options.output);
  const tensors = taps ? [...new Set([...taps, output])] : needsScores(options.target) ? [output] : [];
  const computed = tensors.length > 0 ? await forward(model, x, tensors, progress) : {};
  const targets = resolveTargets(options.target, { images: x.shape[0], outputShape: itemShapeOf(model, output), scores: computed[output], labels: model.labels });
  return { output, targets, tensors: computed };
}

export interface BackwardRequest extends TargetOptions {
  relu?: ReluRule;
  /** Tensors to differentiate with respect to (the input, layer outputs, weights). */
  wrt: string[];
  /** Forward tensors returned by the same run. */
  taps?: string[];
  /** `wrt` tensors whose gradients come back averaged over their spatial dims, `[M, C, 1, 1]`. */
  spatialMeans?: string[];
  /** A method's own arithmetic on the gradients, done in the same run. */
  extension?: GraphExtension;
}

/** Nodes a method appends to the gradient graph, whose outputs come back with one item per explained item. */
export interface GraphExtension {
  /** Names the compiled variant, beside the rest of the request. */
  key: string;
  /** Appends the nodes; returns the graph output of each named result. */
  build(g: GradientOutputs): Record<string, ValueInfo>;
  /** The names `build` returns. */
  results: string[];
}

export interface BackwardResult {
  targets: ResolvedTargets;
  gradients: Record<string, FloatTensor>;
  taps: Record<string, FloatTensor>;
  /** Model outputs per explained item. */
  scores: FloatTensor;
  /** The extension's results by name. */
  extended: Record<string, FloatTensor>;
}

/** Gradients of the target with respect to `wrt`, plus taps and scores, from one batched run. */
export async function backward(model: ConvlensModel, x: FloatTensor, req: BackwardRequest): Promise<BackwardResult> {
  // The top class is picked inside the gradient graph from its own forward values, so it
  // costs no forward pass of its own; the scores it returns resolve the targets afterwards.
  const topClass = req.target === undefined || req.target === 'top1';
  const { output, targets: given } = topClass
    ? { output: selectOutput(model, req.output), targets: null }
    : await targetPass(model, x, req);
  if (topClass) model.checkInput(x);
  const perImage = given ? given.image.length / x.shape[0] : 1;
  const uniform = given !== null && Number.isInteger(perImage) && given.image.every((img, m) => img === Math.floor(m / perImage));
  // Several targets per image share one forward pass when every batch-dependent tensor keeps the batch in dim 0.
  const repeats = perImage > 1 && uniform && !model.engine.fixedBatch
    && batchedTensors(model, model.engine.shapeInfo([1, ...model.itemShape])) !== null ? perImage : 1;
  const items = repeats > 1 || !given ? x : gatherItems(x, given.image);
  const weights = req.wrt.filter((w) => model.onnxModel.graph.initializers.has(w));
  const taps = [...new Set([...(req.taps ?? []), output])];
  const relu = req.relu ?? 'vanilla';
  const results: Record<string, 'concat' | 'sum'> = {};
  for (const w of req.wrt) results[`d:${w}`] = weights.includes(w) ? 'sum' : 'concat';
  for (const t of taps) results[`t:${t}`] = 'concat';
  const extension = req.extension;
  for (const r of extension?.results ?? []) results[`x:${r}`] = 'concat';
  const out = await model.engine.run({
    key: `gradient|${relu}|${topClass ? 'top' : repeats}|${req.wrt.join(',')}|${taps.join(',')}|${(req.spatialMeans ?? []).join(',')}|${extension?.key ?? ''}`,
    compile: (info) => {
      const batched = repeats > 1 ? batchedTensors(model, info) : null;
      const outputs: Record<string, string> = {};
      const g = buildGradientGraph(model.onnxModel, info, {
        wrt: req.wrt, seeds: [{ output, seed: SEED, topClass }], relu, taps, maxPoolIndices: model.engine.runtime.maxPoolIndices, repeats: batched ? { count: repeats, batched } : undefined, spatialMeans: req.spatialMeans,
        extend: extension && ((g) => {
          const built = Object.entries(extension.build(g));
          for (const [r, v] of built) outputs[`x:${r}`] = v.name;
          return built.map(([, v]) => v);
        }),
      });
      for (const w of req.wrt) outputs[`d:${w}`] = g.gradients.get(w)!;
      for (const t of taps) outputs[`t:${t}`] = t;
      return { model: g.model, outputs };
    },
    batched: given ? { [model.inputName]: items, [SEED]: given.seeds } : { [model.inputName]: items },
    results,
    signal: req.signal,
    onProgress: req.onProgress,
  });
  await checkFiniteScores(model, items, out[`t:${output}`], output);
  const targets = given ?? resolveTargets('top1', { images: x.shape[0], outputShape: itemShapeOf(model, output), scores: out[`t:${output}`], labels: model.labels });
  const perItem = (t: FloatTensor) => (repeats > 1 ? gatherItems(t, targets.image) : t);
  return {
    targets,
    gradients: Object.fromEntries(req.wrt.map((w) => [w, out[`d:${w}`]])),
    taps: Object.fromEntries(taps.map((t) => [t, perItem(out[`t:${t}`])])),
    scores: perItem(out[`t:${output}`]),
    extended: Object.fromEntries((extension?.results ?? []).map((r) => [r, out[`x:${r}`]])),
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
