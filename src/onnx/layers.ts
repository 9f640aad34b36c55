/**
 * The layers of a model as users name them: every node output that carries activations,
 * with the module it belongs to, and resolution of a user-given layer name to a tensor.
 */
import { ConvlensError } from '../errors.js';
import { nodeModules } from './layer-names.js';
import type { ShapeInfo } from './shapes/index.js';
import { executionOrder } from './shapes/order.js';
import { DataType, type Model } from './types.js';

/** One activation tensor of the model. */
export interface Layer {
  /** The producing node's name; the tensor name for unnamed nodes and for a node's second and later outputs. */
  name: string;
  /** Dotted module path as the exporter recorded it (`layer4.1.conv1`), or null when unknown. */
  module: string | null;
  /** ONNX op type of the producing node. */
  op: string;
  /** Concrete dims, batch included. */
  shape: number[];
  /** The output tensor's name in the graph. */
  tensor: string;
}

const FLOAT_TYPES: ReadonlySet<number> = new Set([DataType.FLOAT, DataType.DOUBLE, DataType.FLOAT16, DataType.BFLOAT16]);

/**
 * Lists the activation tensors of `model` in execution order: float outputs of nodes that
 * depend on a graph input. Constant subgraphs (Constant nodes, weight preprocessing, shape
 * arithmetic) are left out: they are not activations and have no gradient.
 *
 * @param shapeInfo the result of `inferShapes` on `model.graph`
 * @example
 * const info = inferShapes(model.graph, 17, { input: [1, 3, 224, 224] });
 * listLayers(model, info).find((l) => l.module === 'layer4.1.conv2');
 * // { name: '/layer4/layer4.1/conv2/Conv', module: 'layer4.1.conv2', op: 'Conv', shape: [1, 512, 7, 7], tensor: '/layer4/layer4.1/conv2/Conv_output_0' }
 */
export function listLayers(model: Model, shapeInfo: ShapeInfo): Layer[] {
  const graph = model.graph;
  const dynamic = new Set(graph.inputs.map((v) => v.name).filter((n) => !graph.initializers.has(n)));
  const available = new Set([...dynamic, ...graph.initializers.keys()]);
  const modules = nodeModules(graph);
  const layers: Layer[] = [];
  for (const index of executionOrder(graph, available)) {
    const node = graph.nodes[index];
    if (!node.inputs.some((i) => dynamic.has(i))) continue;
    let named = false;
    for (const tensor of node.outputs) {
      if (tensor === '' || shapeInfo.values.has(tensor)) continue;
      dynamic.add(tensor);
      const shape = shapeInfo.shapes.get(tensor);
      if (!shape || !FLOAT_TYPES.has(shapeInfo.types.get(tensor) ?? 0)) continue;
      const name = !named && node.name ? node.name : tensor;
      named = true;
      layers.push({ name, module: modules[index].module, op: node.opType, shape: [...shape], tensor });
    }
  }
  return layers;
}

const within = (module: string, path: string): boolean => module === path || module.startsWith(`${path}.`);

/** Every module path the model mentions, containers included (`layer4` for `layer4.1.conv1`). */
function allModulePaths(modules: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const m of modules) {
    const atoms = m.split('.');
    for (let i = 1; i <= atoms.length; i++) out.add(atoms.slice(0, i).join('.'));
  }
  return out;
}

function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}

/** Up to `limit` candidates close to `name`: containing it (or contained in it) first, then by edit distance. */
export function closestNames(name: string, candidates: Iterable<string>, limit = 5): string[] {
  const query = name.toLowerCase();
  const scored: { c: string; contains: boolean; d: number }[] = [];
  for (const c of new Set(candidates)) {
    const lower = c.toLowerCase();
    const contains = query.length > 0 && (lower.includes(query) || query.includes(lower));
    const d = editDistance(query, lower);
    if (contains || d <= Math.max(2, Math.floor(query.length / 3))) scored.push({ c, contains, d });
  }
  scored.sort((x, y) => Number(y.contains) - Number(x.contains) || x.d - y.d || x.c.length - y.c.length || (x.c < y.c ? -1 : 1));
  return scored.slice(0, limit).map((s) => s.c);
}

/**
 * The tensor a user-given layer name refers to. Accepted, in this order:
 * - a module path as the exporter named it (`layer4`, `features.28`): the output of the
 *   last layer in execution order that belongs to that module or any of its sub-modules;
 *   a BatchNorm folded into a Conv is found under either module;
 * - a node name (`/layer4/layer4.1/relu_1/Relu`);
 * - a tensor name;
 * - the end of exactly one module path (`conv5_block3_out` for `resnet50.conv5_block3_out`).
 *
 * An unknown name gives an `UNKNOWN_LAYER` error listing the closest names.
 *
 * @param layers `listLayers(model, info)`
 * @param modelLabel how to name the model in the suggested `convlens layers` command
 * @example
 * resolveLayer(model, layers, 'layer4'); // '/layer4/layer4.1/relu_1/Relu_output_0'
 */
export function resolveLayer(model: Model, layers: readonly Layer[], name: string, modelLabel = 'MODEL.onnx'): string {
  if (typeof name !== 'string' || name.trim() === '') {
    throw new ConvlensError('UNKNOWN_LAYER', `A layer name is needed, got ${JSON.stringify(name)}. Run \`convlens layers --model ${modelLabel}\` to list every layer.`);
  }
  const producer = new Map<string, number>();
  model.graph.nodes.forEach((n, i) => n.outputs.forEach((o) => { if (o) producer.set(o, i); }));
  const modules = nodeModules(model.graph);
  const modulesOf = (l: Layer): string[] => {
    const index = producer.get(l.tensor);
    const aliases = index === undefined ? [] : modules[index].aliases;
    return l.module === null ? aliases : [l.module, ...aliases];
  };
  const lastIn = (path: string): Layer | undefined => [...layers].reverse().find((l) => modulesOf(l).some((m) => within(m, path)));

  const byModule = lastIn(name);
  if (byModule) return byModule.tensor;
  const byNode = layers.find((l) => l.name === name) ?? layers.find((l) => producer.has(l.tensor) && model.graph.nodes[producer.get(l.tensor)!].name === name);
  if (byNode) return byNode.tensor;
  const byTensor = layers.find((l) => l.tensor === name);
  if (byTensor) return byTensor.tensor;

  const paths = allModulePaths(layers.flatMap(modulesOf));
  const endings = [...paths].filter((p) => p.endsWith(`.${name}`));
  if (endings.length === 1) return lastIn(endings[0])!.tensor;

  const listHint = `Run \`convlens layers --model ${modelLabel}\` to list every layer.`;
  if (endings.length > 1) {
    throw new ConvlensError('UNKNOWN_LAYER',
      `Layer "${name}" is ambiguous: it ends ${endings.length} module paths (${endings.slice(0, 5).map((p) => `"${p}"`).join(', ')}${endings.length > 5 ? ', …' : ''}). Give the full path. ${listHint}`);
  }
  const inGraph = model.graph.nodes.some((n) => n.name === name || n.outputs.includes(name)) || model.graph.inputs.some((v) => v.name === name);
  if (inGraph) {
    throw new ConvlensError('UNKNOWN_LAYER',
      `"${name}" is in the model but is not a layer: it is a graph input, a constant, shape arithmetic or a non-float tensor, so it carries no activations. Pick a layer that does. ${listHint}`);
  }
  const nodeNames = layers.map((l) => l.name);
  const close = closestNames(name, [...paths, ...nodeNames, ...layers.map((l) => l.tensor)]);
  const suggestion = close.length > 0 ? ` Closest matches: ${close.map((c) => `"${c}"`).join(', ')}.` : '';
  throw new ConvlensError('UNKNOWN_LAYER', `The model has no layer named "${name}".${suggestion} ${listHint}`);
}
