/**
 * Recovering the source-framework module path (`layer4.1.conv1`, `block1_conv1`) of each
 * node, so users can name layers the way their training code does. Exporters record it
 * in three ways: PyTorch's TorchScript exporter in node names (`/layer4/layer4.1/conv1/Conv`),
 * PyTorch's dynamo exporter in node metadata, tf2onnx in TensorFlow scope names
 * (`StatefulPartitionedCall/model/block1_conv1/Relu`).
 */
import type { Graph, OnnxNode } from './types.js';

/** The module a node computes part of. */
export interface NodeModule {
  /** Dotted module path, or null for nodes at the model's top level or without naming information. */
  module: string | null;
  /**
   * Other modules whose output this node also produces: when an exporter folds a BatchNorm
   * into the Conv before it, the Conv's output is the BatchNorm's output too.
   */
  aliases: string[];
}

const isNumeric = (atom: string): boolean => /^\d+$/.test(atom);

/**
 * Scope parts of a TorchScript-exporter node name (`/layer4/layer4.1/conv1/Conv` →
 * `['layer4', 'layer4.1', 'conv1']`), or null when the name is not in that form.
 */
export function legacyScopeParts(nodeName: string): string[] | null {
  if (!nodeName.startsWith('/')) return null;
  return nodeName.split('/').slice(1, -1).filter((p) => p !== '');
}

/**
 * Appends one TorchScript scope part to its parent's module path. The exporter writes each
 * module's qualified name from its last non-numeric atom on (`layer4.1.conv1` → `conv1`,
 * `encoder.layers.0` → `layers.0`), so a part with a numeric tail names a child of the
 * container the parent path ends with. A container that is never called (a ModuleList)
 * leaves no scope, and then the part is appended whole.
 */
export function joinLegacyScope(parent: string, part: string): string {
  const atoms = part.split('.');
  if (atoms.length > 1 && atoms.slice(1).every(isNumeric)) {
    const head = atoms.slice(0, -1).join('.');
    if (parent === head || parent.endsWith(`.${head}`)) return `${parent}.${atoms[atoms.length - 1]}`;
  }
  return parent ? `${parent}.${part}` : part;
}

/** Splits the `_k` suffix the TorchScript exporter adds to the scope of a module's k-th extra call. */
function repeatedCallBase(part: string): string | null {
  const m = /^(.+)_(\d+)$/.exec(part);
  return m ? m[1] : null;
}

/** Strings of a Python list literal as the dynamo exporter writes it (`['', 'layer1', 'relu']`). */
export function parsePythonStringList(text: string): string[] | null {
  const trimmed = text.trim();
  if (!trimmed.startsWith('[') || !trimmed.endsWith(']')) return null;
  const out: string[] = [];
  const re = /'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)"/g;
  for (let m = re.exec(trimmed); m; m = re.exec(trimmed)) out.push((m[1] ?? m[2]).replace(/\\(.)/g, '$1'));
  return out;
}

/**
 * Module path from dynamo-exporter metadata. `pkg.torch.onnx.name_scopes` lists cumulative
 * module paths from the root (`''`) down, ending with the node's own FX name; `namespace`
 * carries the same path as `name: class` pairs joined by `/`.
 */
export function moduleFromDynamoMetadata(metadata: Readonly<Record<string, string>>): string | null {
  let scopes: string[] | null = null;
  const listed = metadata['pkg.torch.onnx.name_scopes'];
  if (listed !== undefined) scopes = parsePythonStringList(listed);
  const namespace = metadata.namespace;
  if (!scopes && namespace !== undefined) {
    scopes = namespace.split('/').map((s) => { const i = s.indexOf(': '); return (i < 0 ? s : s.slice(0, i)).trim(); });
  }
  if (!scopes || scopes.length < 2) return null;
  const modules = scopes.slice(0, -1).filter((s) => s !== '');
  return modules.length > 0 ? modules[modules.length - 1] : null;
}

/** Whether a node carries dynamo-exporter scope metadata. */
export function hasDynamoMetadata(node: OnnxNode): boolean {
  return node.metadata['pkg.torch.onnx.name_scopes'] !== undefined || node.metadata.namespace !== undefined;
}

/** TensorFlow wraps converted functions in these scopes; they are not Keras layers. */
const TF_WRAPPERS = /^(Stateful)?PartitionedCall(_\d+)?$/;

function kerasParts(nodeName: string): string[] {
  const parts = nodeName.split('/').filter((p) => p !== '');
  while (parts.length > 0 && TF_WRAPPERS.test(parts[0])) parts.shift();
  return parts;
}

/** The scope every slash-named node shares (the Keras model's own name), or null. */
export function kerasModelScope(nodeNames: readonly string[]): string | null {
  const firsts = nodeNames.filter((n) => n.includes('/') && !n.startsWith('/')).map((n) => kerasParts(n)).filter((p) => p.length > 1).map((p) => p[0]);
  return firsts.length >= 2 && firsts.every((f) => f === firsts[0]) ? firsts[0] : null;
}

/**
 * Keras layer path from a tf2onnx node name: the scopes between the model's own scope and
 * the op, stopping at the first TensorFlow op scope (those are CamelCase, Keras layer names
 * are snake_case). `model/conv2d_1/BiasAdd` → `conv2d_1`,
 * `StatefulPartitionedCall/model/resnet50/conv1_conv/Conv2D` → `resnet50.conv1_conv`.
 *
 * @param modelScope the model's scope (see {@link kerasModelScope}); null when names have
 *   none; when omitted, the first of two or more scopes is taken for it
 */
export function moduleFromKerasName(nodeName: string, modelScope?: string | null): string | null {
  if (nodeName.startsWith('/') || !nodeName.includes('/')) return null;
  const scopes = kerasParts(nodeName).slice(0, -1);
  const dropFirst = modelScope === undefined ? scopes.length >= 2 : modelScope !== null && scopes[0] === modelScope;
  const kept: string[] = [];
  for (const s of dropFirst ? scopes.slice(1) : scopes) {
    if (/^[A-Z]/.test(s)) break;
    kept.push(s);
  }
  return kept.length > 0 ? kept.join('.') : null;
}

/** Every dotted prefix of every initializer name: the module paths that own parameters. */
function parameterOwners(graph: Graph): Set<string> {
  const owners = new Set<string>();
  for (const name of graph.initializers.keys()) {
    const atoms = name.split('.');
    for (let i = 1; i < atoms.length; i++) owners.add(atoms.slice(0, i).join('.'));
  }
  return owners;
}

/**
 * Module paths of TorchScript-exported nodes. A scope part `relu_1` is the second call of
 * module `relu` when a sibling scope `relu` exists and no parameter is owned by a module
 * literally named `relu_1`.
 */
function legacyModules(graph: Graph): (string | null)[] {
  const partsOf = graph.nodes.map((n) => legacyScopeParts(n.name));
  const rawPaths = new Set<string>();
  for (const parts of partsOf) {
    let path = '';
    for (const p of parts ?? []) { path = joinLegacyScope(path, p); rawPaths.add(path); }
  }
  const owners = parameterOwners(graph);
  return partsOf.map((parts, index) => {
    if (!parts || parts.length === 0) return null;
    let raw = '';
    let clean = '';
    let last = '';
    for (const p of parts) {
      const next = joinLegacyScope(raw, p);
      const base = repeatedCallBase(p);
      const repeat = base !== null && rawPaths.has(joinLegacyScope(raw, base)) && !owners.has(next);
      last = repeat ? base : p;
      clean = joinLegacyScope(clean, last);
      raw = next;
    }
    return parameterOwner(graph, graph.nodes[index], last) ?? clean;
  });
}

/**
 * Parameters the exporter did not fold keep their true dotted names. When a module is
 * registered under two names (an attribute and a Sequential slot), the scope path can name
 * a path that does not exist; the parameter's owner, if its last atoms match the scope, is right.
 */
function parameterOwner(graph: Graph, node: OnnxNode, lastPart: string): string | null {
  for (const input of node.inputs) {
    const m = /^(.+)\.(weight|bias)$/.exec(input);
    if (m && graph.initializers.has(input) && (m[1] === lastPart || m[1].endsWith(`.${lastPart}`))) return m[1];
  }
  return null;
}

const FOLDABLE_OPS = new Set(['Conv', 'ConvTranspose', 'Gemm', 'MatMul']);

/**
 * The dynamo exporter's optimizer folds BatchNorm into the preceding Conv and keeps the
 * BatchNorm's scope on the result. The weight keeps the Conv's parameter name
 * (`layer1.0.conv1.weight`), so the Conv module is recovered from it; the TorchScript
 * exporter names the same folded node after the Conv, and this keeps both exports alike.
 */
function unfoldBatchNorm(node: OnnxNode, module: string, graph: Graph): NodeModule {
  const rule = node.metadata['pkg.onnxscript.rewriter.rule_name'] ?? '';
  const classes = parsePythonStringList(node.metadata['pkg.torch.onnx.class_hierarchy'] ?? '') ?? [];
  // The innermost module's class sits just before the op's own entry.
  const fromBatchNorm = /BatchNorm/i.test(rule) || /batchnorm/i.test(classes[classes.length - 2] ?? '');
  const weight = node.inputs[1] ?? '';
  if (!fromBatchNorm || !FOLDABLE_OPS.has(node.opType) || !graph.initializers.has(weight) || !weight.endsWith('.weight')) {
    return { module, aliases: [] };
  }
  const owner = weight.slice(0, -'.weight'.length);
  return owner === module ? { module, aliases: [] } : { module: owner, aliases: [module] };
}

/**
 * The module of every node of `graph`, index for index.
 *
 * @example
 * const modules = nodeModules(model.graph);
 * modules[model.graph.nodes.findIndex((n) => n.name === '/layer4/layer4.1/relu_1/Relu')].module; // 'layer4.1.relu'
 */
export function nodeModules(graph: Graph): NodeModule[] {
  const legacy = graph.nodes.some((n) => n.name.startsWith('/')) ? legacyModules(graph) : [];
  const dynamo = graph.nodes.some(hasDynamoMetadata);
  const kerasScope = kerasModelScope(graph.nodes.map((n) => n.name));
  const out = graph.nodes.map((node, i): NodeModule => {
    if (hasDynamoMetadata(node)) {
      const module = moduleFromDynamoMetadata(node.metadata);
      return module === null ? { module, aliases: [] } : unfoldBatchNorm(node, module, graph);
    }
    if (node.name.startsWith('/')) return { module: legacy[i] ?? null, aliases: [] };
    return { module: dynamo ? null : moduleFromKerasName(node.name, kerasScope), aliases: [] };
  });
  if (dynamo) inferFromConsumers(graph, out);
  return out;
}

function commonPrefix(paths: string[]): string | null {
  let atoms = paths[0].split('.');
  for (const p of paths.slice(1)) {
    const other = p.split('.');
    let k = 0;
    while (k < atoms.length && k < other.length && atoms[k] === other[k]) k++;
    atoms = atoms.slice(0, k);
  }
  return atoms.length > 0 ? atoms.join('.') : null;
}

/**
 * The dynamo exporter's optimizer creates some nodes without metadata (a Split merged from
 * the slices of `x.chunk(2)`). Such a node belongs to the innermost module enclosing all of
 * its consumers, when it has several; a single consumer does not say whether the node ran
 * inside that module or in its parent, so the node stays unattributed.
 */
function inferFromConsumers(graph: Graph, modules: NodeModule[]): void {
  const consumers = new Map<string, number[]>();
  graph.nodes.forEach((n, i) => n.inputs.forEach((t) => { if (t) consumers.set(t, [...(consumers.get(t) ?? []), i]); }));
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const node = graph.nodes[i];
    if (hasDynamoMetadata(node) || modules[i].module !== null) continue;
    const users = [...new Set(node.outputs.flatMap((o) => consumers.get(o) ?? []))];
    const paths = users.map((u) => modules[u].module);
    if (users.length >= 2 && paths.every((p): p is string => p !== null)) modules[i] = { module: commonPrefix(paths), aliases: [] };
  }
}
