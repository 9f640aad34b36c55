/** Checking, before any work starts, that every op of a model is one convlens can handle. */
import { ConvlensError } from '../errors.js';
import type { Graph, Model, OnnxNode } from './types.js';

/** How many node names to show per unsupported op: enough to find them, few enough to read. */
const NAMES_SHOWN = 3;

const isDefaultDomain = (domain: string): boolean => domain === '' || domain === 'ai.onnx';

function opKey(node: OnnxNode): string {
  return isDefaultDomain(node.domain) ? node.opType : `${node.domain}.${node.opType}`;
}

/** Visits every node, including those in the subgraphs of If, Loop and Scan. */
function forEachNode(graph: Graph, visit: (node: OnnxNode, index: number) => void): void {
  graph.nodes.forEach((node, index) => {
    visit(node, index);
    for (const a of Object.values(node.attributes)) if (a.kind === 'graph') forEachNode(a.value, visit);
  });
}

/** `domain.name` of each model-local function; calls to these look like custom ops. */
function localFunctions(model: Model): Set<string> {
  const out = new Set<string>();
  for (const f of model.functions as { name?: string; domain?: string }[]) {
    if (f && typeof f.name === 'string') out.add(isDefaultDomain(f.domain ?? '') ? f.name : `${f.domain}.${f.name}`);
  }
  return out;
}

/**
 * Throws one `UNSUPPORTED_OPS` error naming every op type of `model` that is not in
 * `supported` (a set of `ai.onnx` op type names) and the first few nodes that use each.
 * Ops from other domains (`com.microsoft`, custom ops) and calls to model-local functions
 * are always unsupported.
 *
 * @param purpose what the ops are needed for, as it reads after "not supported for": `'gradients'`, `'shape inference'`
 * @example
 * checkSupportedOps(model, shapeInferenceOps, 'shape inference');
 */
export function checkSupportedOps(model: Model, supported: ReadonlySet<string>, purpose: string): void {
  const functions = localFunctions(model);
  const users = new Map<string, string[]>();
  forEachNode(model.graph, (node, index) => {
    if (isDefaultDomain(node.domain) && supported.has(node.opType) && !functions.has(node.opType)) return;
    const key = opKey(node);
    const list = users.get(key) ?? [];
    list.push(node.name || node.outputs.find((o) => o !== '') || `#${index}`);
    users.set(key, list);
  });
  if (users.size === 0) return;
  const lines = [...users].sort(([a], [b]) => (a < b ? -1 : 1)).map(([op, nodes]) => {
    const shown = nodes.slice(0, NAMES_SHOWN).map((n) => `"${n}"`).join(', ');
    const more = nodes.length > NAMES_SHOWN ? ` and ${nodes.length - NAMES_SHOWN} more` : '';
    const what = functions.has(op) ? ' (a model-local function)' : '';
    return `  - ${op}${what}: ${nodes.length} node${nodes.length === 1 ? '' : 's'} (${shown}${more})`;
  });
  const custom = [...users.keys()].some((k) => k.includes('.') || functions.has(k));
  const advice = custom
    ? 'Custom-domain ops and functions usually come from a runtime optimizer (onnxruntime\'s com.microsoft fused ops) or a custom exporter: export the original model again with standard ai.onnx ops, opset 13 to 18 (torch.onnx.export(..., opset_version=17), tf2onnx --opset 17), and do not optimize it for a runtime first.'
    : 'Export the model again with standard ai.onnx ops, opset 13 to 18 (torch.onnx.export(..., opset_version=17), tf2onnx --opset 17); exporters often express the same layer with ops convlens supports.';
  throw new ConvlensError('UNSUPPORTED_OPS',
    `The model uses ${users.size} op type${users.size === 1 ? '' : 's'} not supported for ${purpose}:\n${lines.join('\n')}\n${advice}`);
}
