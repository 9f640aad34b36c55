/**
 * Graph variants: new models that share the user's nodes and weights but choose their own
 * inputs and outputs. The user's model object is never modified.
 */
import type { Dim, Graph, Model, OnnxNode, Tensor, ValueInfo } from './types.js';
import type { ShapeInfo } from './shapes/index.js';

/** Keeps only the nodes and initializers that some output depends on. */
export function pruneToOutputs(nodes: OnnxNode[], initializers: Map<string, Tensor>, outputs: string[]): { nodes: OnnxNode[]; initializers: Map<string, Tensor> } {
  const live = new Set(outputs);
  const kept: OnnxNode[] = [];
  for (let i = nodes.length - 1; i >= 0; i--) {
    const n = nodes[i];
    if (!n.outputs.some((o) => live.has(o))) continue;
    kept.push(n);
    for (const input of n.inputs) if (input) live.add(input);
  }
  kept.reverse();
  const inits = new Map<string, Tensor>();
  for (const [name, t] of initializers) if (live.has(name)) inits.set(name, t);
  return { nodes: kept, initializers: inits };
}

export function valueInfo(name: string, elemType: number, shape: Dim[]): ValueInfo {
  return { name, elemType, shape };
}

/** Input value infos with the concrete shapes the variant was compiled for. */
export function pinnedInputs(graph: Graph, info: ShapeInfo): ValueInfo[] {
  return graph.inputs
    .filter((v) => !graph.initializers.has(v.name))
    .map((v) => valueInfo(v.name, v.elemType, info.shapes.get(v.name) ?? v.shape ?? []));
}

/** Assembles a variant of `model` from a node list, pruned to the given outputs. */
export function assembleVariant(model: Model, info: ShapeInfo, spec: {
  nodes: OnnxNode[];
  initializers: Map<string, Tensor>;
  extraInputs?: ValueInfo[];
  outputs: ValueInfo[];
  name: string;
}): Model {
  const { nodes, initializers } = pruneToOutputs(spec.nodes, spec.initializers, spec.outputs.map((o) => o.name));
  const graph: Graph = {
    name: spec.name,
    nodes,
    inputs: [...pinnedInputs(model.graph, info), ...(spec.extraInputs ?? [])],
    outputs: spec.outputs,
    initializers,
    valueInfo: [],
  };
  return { ...model, graph, functions: model.functions };
}

/**
 * A forward variant whose outputs are the given tensors ("taps"), each computed once.
 *
 * @example
 * const tapped = tapGraph(model, info, ['/layer4/layer4.1/relu_1/Relu_output_0', 'logits']);
 */
export function tapGraph(model: Model, info: ShapeInfo, taps: string[]): Model {
  const outputs = taps.map((t) => valueInfo(t, info.types.get(t) ?? 1, info.shapes.get(t) ?? []));
  return assembleVariant(model, info, { nodes: model.graph.nodes, initializers: model.graph.initializers, outputs, name: `${model.graph.name}_taps` });
}
