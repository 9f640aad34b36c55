/**
 * Graph variants: new models that share the user's nodes and weights but choose their own
 * inputs and outputs. The user's model object is never modified.
 */
import type { Dim, Graph, Model, OnnxNode, Tensor, ValueInfo } from './types.js';
import { executionOrder, type ShapeInfo } from './shapes/index.js';

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

/**
 * One model computing every part's outputs, where each part is a variant of `model` (a
 * gradient graph, a tapped graph): the forward nodes once, each part's own nodes and
 * constants renamed apart, since parts built alike use the same generated names. Inputs a
 * part adds to the model's (a gradient seed) are shared by name. Returns the model and, per
 * part, how its tensor names changed.
 *
 * @example
 * const { model: both, renamed } = mergeVariants(model, info, [camGraph.model, guidedGraph.model], 'pair');
 * renamed[1](guidedGraph.gradients.get('input')!); // the guided gradient's name in `both`
 */
export function mergeVariants(model: Model, info: ShapeInfo, parts: Model[], name: string): { model: Model; renamed: ((name: string) => string)[] } {
  const graph = model.graph;
  const original = new Set(graph.nodes);
  const available = new Set([...graph.inputs.map((v) => v.name), ...graph.initializers.keys()]);
  const nodes: OnnxNode[] = executionOrder(graph, available).map((i) => graph.nodes[i]);
  const initializers = new Map(graph.initializers);
  const renamed = parts.map((part, p) => {
    const names = new Map<string, string>();
    const own = part.graph.nodes.filter((n) => !original.has(n));
    const rename = (tensor: string) => names.get(tensor) ?? tensor;
    for (const n of own) for (const o of n.outputs) if (o) names.set(o, `convlens.part${p}/${o}`);
    for (const t of part.graph.initializers.keys()) if (!graph.initializers.has(t)) names.set(t, `convlens.part${p}/${t}`);
    for (const n of own) nodes.push({ ...n, name: `convlens.part${p}/${n.name}`, inputs: n.inputs.map(rename), outputs: n.outputs.map(rename) });
    for (const [t, tensor] of part.graph.initializers) if (!graph.initializers.has(t)) initializers.set(rename(t), { ...tensor, name: rename(t) });
    return rename;
  });
  const modelInputs = new Set(graph.inputs.map((v) => v.name));
  const extraInputs = [...new Map(parts.flatMap((part) => part.graph.inputs.filter((v) => !modelInputs.has(v.name)).map((v) => [v.name, v] as const))).values()];
  const outputs = parts.flatMap((part, p) => part.graph.outputs.map((v) => ({ ...v, name: renamed[p](v.name) })));
  return { model: assembleVariant(model, info, { nodes, initializers, extraInputs, outputs, name }), renamed };
}
