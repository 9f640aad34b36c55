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
import { tapGraph } from '../onnx/variants.js';
import { gatherItems, needsScores, resolveTargets, type ResolvedTargets, type Target } from './targets.js';

const SEED = 'convlens.seed';

/** Forward pass returning the given tensors (graph outputs or intermediate tensors). */
export async function forward(model: ConvlensModel, x: FloatTensor, tensors: string[], options: ProgressOptions = {}): Promise<Record<string, FloatTensor>> {
  model.checkInput(x);
  const results = Object.fromEntries(tensors.map((t) => [t, 'concat' as const]));
  return model.engine.run({
    key: `forward|${tensors.join(',')}`,
    compile: (info) => ({ model: tapGraph(model.graph, info, tensors), outputs: Object.fromEntries(tensors.map((t) => [t, t])) }),
    batched: { [model.inputName]: x },
    results,
    ...options,
  });
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
}

export interface BackwardResult {
  targets: ResolvedTargets;
  /** The input, one item per explained (image, target) pair. */
  x: FloatTensor;
  gradients: Record<string, FloatTensor>;
  taps: Record<string, FloatTensor>;
  /** Model outputs per explained item. */
  scores: FloatTensor;
}

/** Gradients of the target with respect to `wrt`, plus taps and scores, from one batched run. */
export async function backward(model: ConvlensModel, x: FloatTensor, req: BackwardRequest): Promise<BackwardResult> {
  model.checkInput(x);
  const output = selectOutput(model, req.output);
  const scores0 = needsScores(req.target) ? (await forward(model, x, [output], req))[output] : undefined;
  const targets = resolveTargets(req.target, { images: x.shape[0], outputShape: itemShapeOf(model, output), scores: scores0, labels: model.labels });
  const items = gatherItems(x, targets.image);
  const weights = req.wrt.filter((w) => model.graph.graph.initializers.has(w));
  const taps = [...new Set([...(req.taps ?? []), output])];
  const relu = req.relu ?? 'standard';
  const results: Record<string, 'concat' | 'sum'> = {};
  for (const w of req.wrt) results[`d:${w}`] = weights.includes(w) ? 'sum' : 'concat';
  for (const t of taps) results[`t:${t}`] = 'concat';
  const out = await model.engine.run({
    key: `gradient|${relu}|${req.wrt.join(',')}|${taps.join(',')}`,
    compile: (info) => {
      const g = buildGradientGraph(model.graph, info, { wrt: req.wrt, seeds: [{ output, seed: SEED }], relu, taps });
      const outputs: Record<string, string> = {};
      for (const w of req.wrt) outputs[`d:${w}`] = g.gradients.get(w)!;
      for (const t of taps) outputs[`t:${t}`] = t;
      return { model: g.model, outputs };
    },
    batched: { [model.inputName]: items, [SEED]: targets.seeds },
    results,
    memoryFactor: 3,
    signal: req.signal,
    onProgress: req.onProgress,
  });
  return {
    targets,
    x: items,
    gradients: Object.fromEntries(req.wrt.map((w) => [w, out[`d:${w}`]])),
    taps: Object.fromEntries(taps.map((t) => [t, out[`t:${t}`]])),
    scores: out[`t:${output}`],
  };
}
