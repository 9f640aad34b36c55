/**
 * The graph one synthesis step runs: the model up to the layers the objective reads (nothing
 * after them), the objective's nodes, and the gradient of the objective with respect to
 * the model input, compiled by convlens's reverse-mode autodiff.
 */
import { GraphBuilder } from '../autodiff/builder.js';
import { buildGradientGraph } from '../autodiff/gradient-graph.js';
import type { ReluRule } from '../autodiff/vjp.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { inferShapes } from '../onnx/shapes/index.js';
import type { Model } from '../onnx/types.js';
import { couplesBatch, objectiveNodes, type ResolvedTerm } from './objectives.js';

const OBJECTIVE = 'convlens.objective';
const SEED = 'convlens.objective.seed';

/** The model with the objective's nodes appended and the objective as its only output. */
function withObjective(model: ConvlensModel, terms: ResolvedTerm[], inputShape: number[]): { graph: Model; opset: number } {
  const opset = model.engine.opset;
  const info = model.engine.shapeInfo(inputShape);
  const b = new GraphBuilder(opset, 'convlens.objective', (name) => info.shapes.get(name)!);
  const value = objectiveNodes(b, terms, inputShape[0]);
  b.node('Identity', [value], {}, [OBJECTIVE]);
  const g = model.onnxModel.graph;
  const graph: Model = {
    ...model.onnxModel,
    graph: {
      ...g,
      nodes: [...g.nodes, ...b.nodes],
      initializers: new Map([...g.initializers, ...b.initializers]),
      outputs: [{ name: OBJECTIVE, elemType: 1, shape: [inputShape[0]] }],
    },
  };
  return { graph, opset };
}

/**
 * The gradient graph of the objective for an input of `inputShape`: the model pruned to what
 * the objective reads, the objective's nodes, and their backward pass.
 */
export function compileObjectiveGraph(model: ConvlensModel, terms: ResolvedTerm[], inputShape: number[], relu: ReluRule = 'vanilla'): { model: Model; gradient: string } {
  const { graph, opset } = withObjective(model, terms, inputShape);
  const full = inferShapes(graph.graph, opset, { [model.inputName]: inputShape });
  const g = buildGradientGraph(graph, full, { wrt: [model.inputName], seeds: [{ output: OBJECTIVE, seed: SEED }], relu, taps: [OBJECTIVE], maxPoolIndices: model.engine.runtime.maxPoolIndices });
  return { model: g.model, gradient: g.gradients.get(model.inputName)! };
}

export interface ObjectiveGradient {
  /** The objective of each item, `[B]`. */
  values: Float32Array;
  /** d objective / d model input, `[B, C, H, W]`. */
  gradient: FloatTensor;
}

/**
 * The objective of each item of `x` (model input values) and its input gradient, from one run
 * of a graph that stops at the objective's layers.
 *
 * @example
 * const terms = resolveObjective(model, 'channel:layer3:7');
 * const { values, gradient } = await objectiveGradient(model, terms, x);
 */
export async function objectiveGradient(
  model: ConvlensModel, terms: ResolvedTerm[], x: FloatTensor, options: { relu?: ReluRule; signal?: AbortSignal } = {},
): Promise<ObjectiveGradient> {
  const batch = x.shape[0];
  const fixed = model.engine.fixedBatch;
  if (couplesBatch(terms) && ((fixed !== null && fixed !== batch) || model.engine.chunkSize(x.shape.slice(1), batch, 3) < batch)) {
    throw new ConvlensError('BATCH_TOO_LARGE',
      `A diversity objective compares the ${batch} images of the batch in one run, which does not fit this model${fixed ? ` (it takes batches of exactly ${fixed})` : ' and memory budget'}; use a smaller batch or raise the memory budget.`);
  }
  const relu = options.relu ?? 'vanilla';
  const seed = new Float32Array(batch).fill(1);
  const out = await model.engine.run({
    key: `synthesis|${relu}|${JSON.stringify(terms.map((t) => [t.kind, t.tensor, t.weight, t.score, t.mask && Array.from(t.mask.values)]))}`,
    compile: (info) => {
      const g = compileObjectiveGraph(model, terms, info.shapes.get(model.inputName)!, relu);
      return { model: g.model, outputs: { value: OBJECTIVE, gradient: g.gradient } };
    },
    batched: { [model.inputName]: x, [SEED]: { data: seed, shape: [batch] } },
    results: { value: 'concat', gradient: 'concat' },
    signal: options.signal,
  });
  return { values: out.value.data, gradient: out.gradient };
}
