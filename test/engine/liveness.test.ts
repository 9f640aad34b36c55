/** Peak memory from tensor lifetimes, against hand-counted peaks and a brute-force count on a real gradient graph. */
import { describe, expect, it } from 'vitest';
import { buildGradientGraph } from '../../src/autodiff/gradient-graph.js';
import { activationMemory } from '../../src/engine/liveness.js';
import { inferShapes, type ShapeInfo } from '../../src/onnx/shapes/index.js';
import { DataType, type Graph } from '../../src/onnx/types.js';
import { loadModel } from '../../src/node/index.js';
import { loadRefs, modelPath } from '../methods/refs.js';
import { GraphBuilder } from '../onnx/shapes-harness.js';

/** x -> a -> b -> c, d = a + c, g = d > w, e = Where(g, d, -w): float tensors of 64 bytes, g of 16. */
function smallGraph(extraOutput?: string): { graph: Graph; info: ShapeInfo } {
  const b = new GraphBuilder(17);
  const x = b.input('x', [1, 1, 4, 4]);
  const w = b.weight([1, 1, 4, 4]);
  const [a] = b.node('Relu', [x], {}, ['a']);
  const [bb] = b.node('Relu', [a], {}, ['b']);
  const [c] = b.node('Relu', [bb], {}, ['c']);
  const [d] = b.node('Add', [a, c], {}, ['d']);
  const [negW] = b.node('Neg', [w], {}, ['negW']);
  const [g] = b.node('Greater', [d, w], {}, ['g']);
  const [e] = b.node('Where', [g, d, negW], {}, ['e']);
  b.graph.outputs.push({ name: e, elemType: DataType.FLOAT, shape: [1, 1, 4, 4] });
  if (extraOutput) b.graph.outputs.push({ name: extraOutput, elemType: DataType.FLOAT, shape: [1, 1, 4, 4] });
  return { graph: b.graph, info: b.infer() };
}

/** Independent count: at each step, every computed tensor made by then and read or returned at or after it. */
function bruteForcePeak(graph: Graph, info: ShapeInfo): number {
  const bytes = (n: string) => info.shapes.get(n)!.reduce((a, v) => a * v, 1) * (info.types.get(n) === DataType.BOOL ? 1 : 4);
  const outputs = new Set(graph.outputs.map((o) => o.name));
  let peak = 0;
  for (let t = 0; t < graph.nodes.length; t++) {
    let live = 0;
    for (let p = 0; p <= t; p++) {
      for (const name of graph.nodes[p].outputs.filter((o) => o !== '')) {
        const readLater = graph.nodes.some((n, q) => q >= t && n.inputs.includes(name));
        if (p === t || readLater || outputs.has(name)) live += bytes(name);
      }
    }
    peak = Math.max(peak, live);
  }
  return peak;
}

describe('activationMemory', () => {
  it('counts only the tensors alive together, and folds what depends on weights alone', () => {
    const { graph, info } = smallGraph();
    // The peak is at c: a (read again by d), b (read by c) and c itself; everything summed would be 336.
    expect(activationMemory(graph, info)).toEqual({ peakBytes: 192, foldedBytes: 64 });
  });

  it('holds graph outputs to the end of the run', () => {
    const { graph, info } = smallGraph('b');
    // b now stays: at d, a + b + c + d are alive.
    expect(activationMemory(graph, info).peakBytes).toBe(256);
  });

  it('matches a brute-force count on a compiled gradient graph', async () => {
    const refs = loadRefs('resnet_basic');
    const model = await loadModel(modelPath(refs.json.exports['legacy-dynbatch'].file));
    try {
      const info = model.engine.shapeInfo([2, ...model.itemShape]);
      const g = buildGradientGraph(model.onnxModel, info, { wrt: [model.inputName], seeds: [{ output: model.outputName, seed: 'seed' }], relu: 'guided' });
      // Weights and what folds from them alone are not activations, for either count.
      const constant = new Set(g.model.graph.initializers.keys());
      for (const n of g.model.graph.nodes) if (n.inputs.every((i) => i === '' || constant.has(i))) n.outputs.forEach((o) => constant.add(o));
      const graph: Graph = { ...g.model.graph, nodes: g.model.graph.nodes.filter((n) => !n.outputs.every((o) => constant.has(o))) };
      const opset = g.model.opsets.find((o) => o.domain === '')!.version;
      const gInfo = inferShapes(g.model.graph, opset, { [model.inputName]: [2, ...model.itemShape] });
      const { peakBytes } = activationMemory(g.model.graph, gInfo);
      expect(peakBytes).toBeGreaterThan(0);
      expect(peakBytes).toBe(bruteForcePeak(graph, gInfo));
    } finally {
      await model.dispose();
    }
  });
});
