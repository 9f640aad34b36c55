/**
 * Memory a graph's run holds, from tensor lifetimes: onnxruntime's allocation planner frees an
 * intermediate tensor after its last consumer has run and reuses the space, so what a session's
 * arena grows to is the largest sum of tensors alive at one moment, not the sum of all of them.
 * A gradient graph keeps only the forward tensors its backward pass reads (ReLU outputs, pooling
 * inputs), so summing everything overstates it several times over.
 */
import { executionOrder, type ShapeInfo } from '../onnx/shapes/index.js';
import { DataType, type Graph } from '../onnx/types.js';

export interface MemoryEstimate {
  /** Largest total bytes of intermediate tensors and outputs alive at once during a run. */
  peakBytes: number;
  /**
   * Bytes of tensors computed from weights and constants alone (weights transposed for a
   * backward pass, say): onnxruntime folds them into new weights when it creates the session.
   */
  foldedBytes: number;
}

const elementBytes: Record<number, number> = {
  [DataType.UINT8]: 1, [DataType.INT8]: 1, [DataType.BOOL]: 1,
  [DataType.UINT16]: 2, [DataType.INT16]: 2, [DataType.FLOAT16]: 2, [DataType.BFLOAT16]: 2,
  [DataType.FLOAT]: 4, [DataType.INT32]: 4, [DataType.UINT32]: 4,
  [DataType.INT64]: 8, [DataType.UINT64]: 8, [DataType.DOUBLE]: 8,
};

/** Bytes of a tensor of `info`, 0 when its shape is unknown. */
function tensorBytes(info: ShapeInfo, name: string): number {
  const shape = info.shapes.get(name);
  if (!shape) return 0;
  return shape.reduce((a, b) => a * b, 1) * (elementBytes[info.types.get(name) ?? DataType.FLOAT] ?? 4);
}

/**
 * Peak memory of one run of `graph` with the shapes of `info`: nodes run in stored
 * (topological) order; each output is allocated when its node runs, while the node's inputs are
 * still held, and freed after its last consumer; graph outputs are held to the end. Fed inputs
 * and weights are not counted (the caller and the session own them).
 *
 * @example
 * const info = inferShapes(model.graph, 17, { input: [8, 3, 224, 224] });
 * const { peakBytes } = activationMemory(model.graph, info);
 */
export function activationMemory(graph: Graph, info: ShapeInfo): MemoryEstimate {
  const fed = graph.inputs.map((v) => v.name).filter((n) => !graph.initializers.has(n));
  const order = executionOrder(graph, new Set([...fed, ...graph.initializers.keys()]));
  const constant = new Set(graph.initializers.keys());
  const lastUse = new Map<string, number>();
  // Folded tensors that a computed node reads: the rest of a folded chain is dropped.
  const kept = new Set<string>();
  order.forEach((index, step) => {
    const node = graph.nodes[index];
    const inputs = node.inputs.filter((n) => n !== '');
    if (inputs.every((n) => constant.has(n))) {
      for (const o of node.outputs) if (o) constant.add(o);
    } else {
      for (const n of inputs) if (constant.has(n) && !graph.initializers.has(n)) kept.add(n);
    }
    for (const n of inputs) lastUse.set(n, step);
  });
  for (const o of graph.outputs) lastUse.set(o.name, Infinity);
  const foldedBytes = [...kept].reduce((sum, n) => sum + tensorBytes(info, n), 0);

  let live = 0;
  let peakBytes = 0;
  const held = new Map<string, number>();
  order.forEach((index, step) => {
    const node = graph.nodes[index];
    for (const o of node.outputs) {
      if (!o || constant.has(o)) continue;
      const bytes = tensorBytes(info, o);
      held.set(o, bytes);
      live += bytes;
    }
    peakBytes = Math.max(peakBytes, live);
    for (const n of [...node.inputs, ...node.outputs]) {
      const bytes = held.get(n);
      if (bytes === undefined || (lastUse.get(n) ?? step) > step) continue;
      held.delete(n);
      live -= bytes;
    }
  });
  return { peakBytes, foldedBytes };
}
