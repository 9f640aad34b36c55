/**
 * Checks at load time that a decoded graph is well formed, so a broken model gets a clear
 * `MODEL_UNREADABLE` before any graph variant is compiled, not an onnxruntime error later.
 */
import { ConvlensError } from '../errors.js';
import type { Model } from './types.js';

const corrupt = (what: string) => new ConvlensError('MODEL_UNREADABLE', `${what}: the model file is corrupt or was not exported completely. Export it again.`);

/**
 * Throws `MODEL_UNREADABLE` when the graph has no outputs, when a node reads a tensor that
 * no node, graph input or initializer provides, when two nodes write the same tensor, or when a graph output names a tensor
 * nothing produces.
 *
 * @example
 * checkGraphStructure(decodeModel(bytes)); // throws on a corrupt graph
 */
export function checkGraphStructure(model: Model): void {
  const { graph } = model;
  if (graph.outputs.length === 0) throw corrupt('The model graph declares no outputs, so there is nothing to explain');
  const known = new Set<string>([...graph.inputs.map((v) => v.name), ...graph.initializers.keys()]);
  for (const node of graph.nodes) {
    for (const output of node.outputs) {
      if (output === '') continue;
      if (known.has(output)) throw corrupt(`The tensor "${output}" is written twice (again by node "${node.name || node.opType}")`);
      known.add(output);
    }
  }
  for (const node of graph.nodes) {
    for (const input of node.inputs) {
      if (input !== '' && !known.has(input)) {
        throw corrupt(`Node "${node.name || node.opType}" (${node.opType}) reads the tensor "${input}", which no node, graph input or initializer provides`);
      }
    }
  }
  for (const output of graph.outputs) {
    if (!known.has(output.name)) throw corrupt(`The graph output "${output.name}" names a tensor that nothing produces`);
  }
}
