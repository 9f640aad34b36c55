/** Execution order for shape inference: the stored order when it is valid, a topological sort otherwise. */
import { ConvlensError } from '../../errors.js';
import type { Graph, OnnxNode } from '../types.js';

export function nodeLabel(node: OnnxNode, index: number): string {
  return node.name || `#${index} ${node.outputs[0] ?? ''}`.trim();
}

function isOrdered(graph: Graph, available: Set<string>): boolean {
  const seen = new Set(available);
  for (const node of graph.nodes) {
    if (node.inputs.some((i) => i !== '' && !seen.has(i))) return false;
    for (const o of node.outputs) seen.add(o);
  }
  return true;
}

/**
 * ONNX requires nodes in topological order, but hand-edited graphs sometimes break that;
 * a depth-first sort keeps the stored order wherever it is already valid.
 */
export function executionOrder(graph: Graph, available: Set<string>): number[] {
  if (isOrdered(graph, available)) return graph.nodes.map((_, i) => i);
  const producer = new Map<string, number>();
  graph.nodes.forEach((n, i) => n.outputs.forEach((o) => { if (o) producer.set(o, i); }));
  const state = new Uint8Array(graph.nodes.length); // 0 unvisited, 1 on the stack, 2 done
  const order: number[] = [];
  for (let root = 0; root < graph.nodes.length; root++) {
    if (state[root]) continue;
    const stack: { node: number; next: number }[] = [{ node: root, next: 0 }];
    state[root] = 1;
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const inputs = graph.nodes[top.node].inputs;
      if (top.next < inputs.length) {
        const name = inputs[top.next++];
        const p = producer.get(name);
        if (name === '' || available.has(name) || p === undefined || state[p] === 2) continue;
        if (state[p] === 1) {
          throw new ConvlensError('SHAPE_INFERENCE',
            `The graph has a cycle through tensor "${name}" (node "${nodeLabel(graph.nodes[p], p)}"); the model is malformed. Export it again.`);
        }
        state[p] = 1;
        stack.push({ node: p, next: 0 });
      } else {
        state[top.node] = 2;
        order.push(top.node);
        stack.pop();
      }
    }
  }
  return order;
}
