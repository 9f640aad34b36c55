import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { buildGradientGraph } from '../../src/autodiff/gradient-graph.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { inferShapes } from '../../src/onnx/shapes/index.js';
import { caseGradients, caseModel, checkVjp, type VjpCase } from './vjp-harness.js';

const gradientOps = (nodes: { name: string; opType: string }[]) => nodes.filter((n) => n.name.startsWith('convlens.grad')).map((n) => n.opType);

describe('gradient forms kept in onnxruntime\'s blocked layout (8k channels)', () => {
  it('Relu: the HardSigmoid mask matches finite differences', async () => {
    await checkVjp({ inputs: { x: { shape: [2, 8, 3, 3], awayFromZero: 0.05 } }, nodes: [{ op: 'Relu', inputs: ['x'] }] });
    const { gradModel } = await caseGradients({ inputs: { x: { shape: [1, 8, 2, 2] } }, nodes: [{ op: 'Relu', inputs: ['x'] }] });
    expect(gradientOps(gradModel.graph.nodes)).toEqual(['Conv', 'HardSigmoid', 'Mul', 'Identity']);
  });

  it('Relu: the mask is exactly 0 or 1 at zero, tiny, huge and infinite inputs, with every onnxruntime optimization', async () => {
    const x = [0, -0, 1.2e-38, 1e-30, 3.4e38, Infinity, -Infinity, -1e-30, 0.5, -2, 7, 1e-10, 0, 3, -3, 2e-38];
    const seed = x.map((_, i) => (i % 3) - 1.5);
    const c = { inputs: { x: { shape: [1, 16, 1, 1], values: x } }, nodes: [{ op: 'Relu', inputs: ['x'] }] };
    const model = caseModel(c, { x });
    const info = inferShapes(model.graph, 17, { x: [1, 16, 1, 1] });
    for (const relu of ['vanilla', 'guided'] as const) {
      const g = buildGradientGraph(model, info, { wrt: ['x'], seeds: [{ output: 'y', seed: 'seed' }], relu });
      const s = await ort.InferenceSession.create(encodeModel(g.model), { graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
      const out = await s.run({ x: new ort.Tensor('float32', Float32Array.from(x), [1, 16, 1, 1]), seed: new ort.Tensor('float32', Float32Array.from(seed), [1, 16, 1, 1]) });
      await s.release();
      const expected = x.map((xi, i) => (xi > 0 ? (relu === 'guided' ? Math.max(0, seed[i]) : seed[i]) : 0));
      expect(Array.from(out[g.gradients.get('x')!].data as Float32Array, (v) => v + 0)).toEqual(expected);
    }
  });

  it('strided Conv input gradients end in a unit depthwise Conv and match finite differences', async () => {
    const cases: { x: number[]; w: number[]; attrs: Record<string, number[]> }[] = [
      { x: [1, 8, 7, 6], w: [4, 8, 3, 3], attrs: { strides: [2, 2], pads: [1, 1, 1, 1] } },
      { x: [2, 8, 5, 6], w: [3, 8, 1, 1], attrs: { strides: [2, 2] } },
    ];
    for (const c of cases) {
      const spec: VjpCase = { inputs: { x: { shape: c.x }, w: { shape: c.w, initializer: true } }, nodes: [{ op: 'Conv', inputs: ['x', 'w'], attrs: c.attrs }] };
      await checkVjp(spec);
      const { gradModel } = await caseGradients({ ...spec, wrt: ['x'] });
      expect(gradientOps(gradModel.graph.nodes).slice(-2)).toEqual(['Conv', 'Identity']);
    }
  });

  it('GlobalAveragePool and ReduceMean over h x w: gy repeated by a nearest Resize, matching finite differences', async () => {
    const cases: VjpCase[] = [
      { inputs: { x: { shape: [2, 8, 3, 5] } }, nodes: [{ op: 'GlobalAveragePool', inputs: ['x'] }] },
      { inputs: { x: { shape: [2, 8, 3, 5] } }, nodes: [{ op: 'ReduceMean', inputs: ['x'], attrs: { axes: [2, 3], keepdims: 1 } }] },
      { inputs: { x: { shape: [1, 16, 4, 3] } }, nodes: [{ op: 'ReduceMean', inputs: ['x'], attrs: { axes: [2, 3], keepdims: 0 } }] },
    ];
    for (const c of cases) {
      await checkVjp(c);
      const ops = gradientOps((await caseGradients(c)).gradModel.graph.nodes);
      expect(ops).toContain('Resize');
      expect(ops).not.toContain('Expand');
    }
  });

  it('a squeeze-excitation gate: Mul by a per-item, per-channel tensor repeated by Resize, both inputs matching finite differences', async () => {
    const gate: VjpCase = { inputs: { x: { shape: [2, 8, 3, 4] }, s: { shape: [2, 8, 1, 1] } }, nodes: [{ op: 'Mul', inputs: ['x', 's'] }] };
    await checkVjp(gate);
    expect(gradientOps((await caseGradients(gate)).gradModel.graph.nodes)).toContain('Resize');
    const block: VjpCase = {
      inputs: { x: { shape: [2, 8, 3, 3] } },
      nodes: [
        { op: 'GlobalAveragePool', inputs: ['x'], outputs: ['p'] },
        { op: 'Sigmoid', inputs: ['p'], outputs: ['s'] },
        { op: 'Mul', inputs: ['x', 's'], outputs: ['y'] },
      ],
    };
    await checkVjp(block);
  });

  it('keeps Expand and broadcasting Mul where Resize does not apply (channels not blocked, a gate shared by the batch)', async () => {
    const unblocked = gradientOps((await caseGradients({ inputs: { x: { shape: [2, 3, 3, 5] } }, nodes: [{ op: 'GlobalAveragePool', inputs: ['x'] }] })).gradModel.graph.nodes);
    expect(unblocked).toContain('Expand');
    expect(unblocked).not.toContain('Resize');
    const shared: VjpCase = { inputs: { x: { shape: [2, 8, 3, 4] }, s: { shape: [1, 8, 1, 1] } }, nodes: [{ op: 'Mul', inputs: ['x', 's'] }] };
    await checkVjp(shared);
    expect(gradientOps((await caseGradients(shared)).gradModel.graph.nodes)).not.toContain('Resize');
  });
});
