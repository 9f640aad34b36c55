/** Static shape inference with constant folding over a graph whose inputs are pinned to concrete shapes. */
import { ConvlensError } from '../../errors.js';
import type { Dim, Graph } from '../types.js';
import { NodeContext } from './context.js';
import { formatDims, product } from './dims.js';
import { executionOrder, nodeLabel } from './order.js';
import { constantRules, tensorFacts } from './rules-constants.js';
import { convRules } from './rules-conv.js';
import { elementwiseRules } from './rules-elementwise.js';
import { indexingRules } from './rules-indexing.js';
import { layoutRules } from './rules-layout.js';
import { linearRules } from './rules-linear.js';
import { normalizationRules } from './rules-normalization.js';
import { reduceRules } from './rules-reduce.js';
import { resizeRules } from './rules-resize.js';
import { slicingRules } from './rules-slicing.js';
import { MAX_FOLDED_ELEMENTS, type RuleTable, type TensorFacts } from './types.js';

/** Shapes, element types and folded constant values of every tensor in a graph. */
export interface ShapeInfo {
  /** Concrete dims of every tensor: graph inputs, initializers and every node output. */
  shapes: Map<string, number[]>;
  /** ONNX element type (`DataType`) of every tensor. */
  types: Map<string, number>;
  /**
   * Row-major values of small tensors known before running the model: initializers and
   * Constant outputs up to 1024 elements, and whatever shape arithmetic computes from them.
   */
  values: Map<string, number[]>;
}

const rules: RuleTable = {
  ...elementwiseRules, ...normalizationRules, ...convRules, ...linearRules, ...layoutRules,
  ...slicingRules, ...indexingRules, ...reduceRules, ...constantRules, ...resizeRules,
};

/**
 * The `ai.onnx` op types {@link inferShapes} understands.
 *
 * @example
 * const unknown = model.graph.nodes.filter((n) => !shapeInferenceOps.has(n.opType)).map((n) => n.opType);
 */
export const shapeInferenceOps: ReadonlySet<string> = new Set(Object.keys(rules));

/**
 * A declared input dim the caller may not override. 0 counts as free: no model takes an empty
 * input, and some writers and decoders put 0 where the dim is symbolic.
 */
function isFixed(d: Dim): d is number {
  return typeof d === 'number' && d > 0;
}

function pinnedFacts(graph: Graph, inputShapes: Record<string, number[]>): Map<string, TensorFacts> {
  const known = new Map<string, TensorFacts>();
  for (const [name, t] of graph.initializers) known.set(name, tensorFacts(t));
  const inputs = graph.inputs.filter((v) => !graph.initializers.has(v.name));
  for (const name of Object.keys(inputShapes)) {
    if (!inputs.some((v) => v.name === name)) {
      throw new ConvlensError('SHAPE_INFERENCE',
        `"${name}" is not an input of the model; its inputs are ${inputs.map((v) => `"${v.name}"`).join(', ')}.`);
    }
  }
  for (const v of inputs) {
    const declared = v.shape ?? [];
    const pinned = inputShapes[v.name] ?? (v.shape && declared.every(isFixed) ? (declared as number[]) : undefined);
    if (!pinned) {
      throw new ConvlensError('SHAPE_INFERENCE',
        `Input "${v.name}" has no concrete shape (declared [${declared.map((d) => d ?? '?').join(', ')}]); pass its dims, batch size included, in inputShapes.`);
    }
    if (pinned.some((d) => !Number.isInteger(d) || d < 0)) {
      throw new ConvlensError('SHAPE_INFERENCE', `The shape ${formatDims(pinned)} given for input "${v.name}" is not a list of non-negative integers.`);
    }
    if (v.shape && (v.shape.length !== pinned.length || v.shape.some((d, i) => isFixed(d) && d !== pinned[i]))) {
      throw new ConvlensError('SHAPE_INFERENCE',
        `The shape ${formatDims(pinned)} given for input "${v.name}" does not fit its declared shape [${v.shape.map((d) => d ?? '?').join(', ')}]; only symbolic dims can be chosen.`);
    }
    known.set(v.name, { shape: [...pinned], type: v.elemType });
  }
  return known;
}

/**
 * Infers the concrete shape and element type of every tensor of `graph`, folding small
 * constant computations (the shape arithmetic exporters emit) along the way.
 *
 * Every op's output shape must follow from the pinned input shapes; an op whose output size
 * depends on data only known at run time, or an op convlens does not know, gives a
 * `SHAPE_INFERENCE` error naming the node.
 *
 * @param graph the model's main graph
 * @param opsetVersion the model's `ai.onnx` opset, which decides where some ops read their settings
 * @param inputShapes concrete dims, batch size included, for every graph input that is not an initializer
 * @example
 * const model = decodeModel(bytes);
 * const info = inferShapes(model.graph, onnxOpset(model), { input: [2, 3, 224, 224] });
 * info.shapes.get('logits'); // [2, 1000]
 */
export function inferShapes(graph: Graph, opsetVersion: number, inputShapes: Record<string, number[]>): ShapeInfo {
  const known = pinnedFacts(graph, inputShapes);
  for (const index of executionOrder(graph, new Set(known.keys()))) {
    const node = graph.nodes[index];
    const label = nodeLabel(node, index);
    const rule = node.domain === '' || node.domain === 'ai.onnx' ? rules[node.opType] : undefined;
    if (!rule) {
      throw new ConvlensError('SHAPE_INFERENCE',
        `Cannot infer shapes at node "${label}": op ${node.domain ? `${node.domain}.` : ''}${node.opType} is not supported by convlens's shape inference. `
        + 'Re-export the model with standard ai.onnx ops (e.g. a different opset or exporter), or inline custom functions first.');
    }
    let outputs: TensorFacts[];
    try {
      outputs = rule(new NodeContext(node, opsetVersion, known, label));
    } catch (e) {
      if (e instanceof ConvlensError) throw e;
      throw new ConvlensError('SHAPE_INFERENCE',
        `Cannot infer shapes at node "${label}" (${node.opType}): ${(e as Error).message}. This is a convlens bug; please report it with the model.`, { cause: e });
    }
    node.outputs.forEach((name, i) => {
      if (name === '') return;
      const facts = outputs[i];
      if (!facts) {
        throw new ConvlensError('SHAPE_INFERENCE',
          `Cannot infer shapes at node "${label}" (${node.opType}): it declares ${node.outputs.length} outputs but the op has ${outputs.length}. The model is malformed; export it again.`);
      }
      const keep = facts.value !== undefined && facts.value.length === product(facts.shape) && facts.value.length <= MAX_FOLDED_ELEMENTS;
      known.set(name, keep ? facts : { shape: facts.shape, type: facts.type });
    });
  }
  const info: ShapeInfo = { shapes: new Map(), types: new Map(), values: new Map() };
  for (const [name, f] of known) {
    info.shapes.set(name, f.shape);
    info.types.set(name, f.type);
    if (f.value !== undefined) info.values.set(name, f.value);
  }
  return info;
}
