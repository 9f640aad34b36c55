import { describe, expect, it } from 'vitest';
import { caseGradients, checkVjp, type CaseInput } from './vjp-harness.js';

const pads = (values: number[]): CaseInput => ({ shape: [values.length], values, int64: true });

describe('Pad VJP', () => {
  for (const opset of [11, 13, 18]) {
    it(`constant mode with a constant value (opset ${opset}) matches finite differences for data and value`, async () => {
      await checkVjp({
        opset,
        inputs: { x: { shape: [1, 2, 3, 4] }, pads: pads([0, 1, 2, 0, 0, 0, 1, 3]), value: { shape: [], initializer: true } },
        nodes: [{ op: 'Pad', inputs: ['x', 'pads', 'value'] }],
      });
    });
  }

  it('constant mode with negative pads (cropping) matches finite differences', async () => {
    await checkVjp({
      inputs: { x: { shape: [2, 3, 5] }, pads: pads([0, -1, 2, 1, 0, -2]), value: { shape: [], initializer: true } },
      nodes: [{ op: 'Pad', inputs: ['x', 'pads', 'value'] }],
    });
  });

  it('opset 10 attributes (pads, value) match finite differences', async () => {
    await checkVjp({
      opset: 10,
      inputs: { x: { shape: [2, 3, 4] } },
      nodes: [{ op: 'Pad', inputs: ['x'], attrs: { pads: [1, 0, 2, 0, 1, 1], value: 0.5 } }],
    });
  });

  it('opset 18 axes input with negative axes matches finite differences', async () => {
    await checkVjp({
      opset: 18,
      inputs: { x: { shape: [2, 3, 4] }, pads: pads([2, -1, 1, 2]), value: { shape: [], initializer: true }, axes: { shape: [2], values: [-1, 1], int64: true } },
      nodes: [{ op: 'Pad', inputs: ['x', 'pads', 'value', 'axes'] }],
    });
  });

  for (const mode of ['reflect', 'edge']) {
    it(`${mode} mode on two axes (opset 13) matches finite differences`, async () => {
      await checkVjp({
        opset: 13,
        inputs: { x: { shape: [1, 2, 4, 5] }, pads: pads([0, 0, 2, 1, 0, 0, 3, 4]) },
        nodes: [{ op: 'Pad', inputs: ['x', 'pads'], attrs: { mode } }],
      });
    });
    it(`${mode} mode with axes (opset 18) matches finite differences`, async () => {
      await checkVjp({
        opset: 18,
        inputs: { x: { shape: [2, 3, 4] }, pads: pads([1, 2, 2, 0]), axes: { shape: [2], values: [1, 2], int64: true } },
        nodes: [{ op: 'Pad', inputs: ['x', 'pads', '', 'axes'], attrs: { mode } }],
      });
    });
  }

  it('reflect and edge gradients land on the rows they copied', async () => {
    const seed = [1, 10, 100, 1000, 10000, 100000];
    const run = async (mode: string) => (await caseGradients({
      inputs: { x: { shape: [3], values: [0, 1, 2] }, pads: pads([2, 1]) },
      nodes: [{ op: 'Pad', inputs: ['x', 'pads'], attrs: { mode } }],
    }, seed)).gradients.x;
    // reflect: [x2, x1, x0, x1, x2, x1]; edge: [x0, x0, x0, x1, x2, x2].
    expect(Array.from(await run('reflect'))).toEqual([100, 10 + 1000 + 100000, 1 + 10000]);
    expect(Array.from(await run('edge'))).toEqual([1 + 10 + 100, 1000, 10000 + 100000]);
  });
});
