import { describe, expect, it } from 'vitest';
import { caseGradients, checkVjp, type CaseInput } from './vjp-harness.js';

const positive = (n: number, seed: number) => Array.from({ length: n }, (_, i) => 0.3 + ((i * 7 + seed) % 5) * 0.4);

describe('BatchNormalization VJP (inference mode)', () => {
  for (const opset of [11, 13, 18]) {
    it(`4-D input (opset ${opset}) matches finite differences for X, scale, B, mean and var`, async () => {
      await checkVjp({
        opset,
        inputs: {
          x: { shape: [2, 3, 4, 3] },
          scale: { shape: [3], initializer: true },
          bias: { shape: [3], initializer: true },
          mean: { shape: [3], initializer: true },
          variance: { shape: [3], values: positive(3, 1), initializer: true },
        },
        nodes: [{ op: 'BatchNormalization', inputs: ['x', 'scale', 'bias', 'mean', 'variance'], attrs: { epsilon: 1e-3 } }],
      });
    });
  }

  it('2-D input ([N, C], after a flatten) matches finite differences', async () => {
    await checkVjp({
      inputs: {
        x: { shape: [5, 4] },
        scale: { shape: [4], initializer: true },
        bias: { shape: [4], initializer: true },
        mean: { shape: [4], initializer: true },
        variance: { shape: [4], values: positive(4, 2), initializer: true },
      },
      nodes: [{ op: 'BatchNormalization', inputs: ['x', 'scale', 'bias', 'mean', 'variance'] }],
    });
  });

  it('refuses training_mode=1 with an explanation', async () => {
    const c = {
      inputs: Object.fromEntries(['scale', 'bias', 'mean'].map((n) => [n, { shape: [2], initializer: true }])) as Record<string, CaseInput>,
      nodes: [{ op: 'BatchNormalization', inputs: ['x', 'scale', 'bias', 'mean', 'variance'], attrs: { training_mode: 1 } }],
      wrt: ['x'],
    };
    c.inputs.x = { shape: [3, 2, 2] };
    c.inputs.variance = { shape: [2], values: [1, 2], initializer: true };
    await expect(caseGradients(c)).rejects.toThrow(/training_mode=1 .*eval mode/);
  });
});

describe('LayerNormalization VJP', () => {
  for (const opset of [17, 18]) {
    it(`last axis with bias (opset ${opset}) matches finite differences for X, Scale, B`, async () => {
      await checkVjp({
        opset,
        inputs: { x: { shape: [2, 3, 5] }, scale: { shape: [5], initializer: true }, bias: { shape: [5], initializer: true } },
        nodes: [{ op: 'LayerNormalization', inputs: ['x', 'scale', 'bias'] }],
      });
    });
    it(`axis 1 over two axes, no bias (opset ${opset}) matches finite differences`, async () => {
      await checkVjp({
        opset,
        inputs: { x: { shape: [2, 3, 4] }, scale: { shape: [3, 4], initializer: true } },
        nodes: [{ op: 'LayerNormalization', inputs: ['x', 'scale'], attrs: { axis: 1, epsilon: 1e-3 } }],
      });
    });
  }

  it('scale broadcast from fewer dims matches finite differences', async () => {
    await checkVjp({
      inputs: { x: { shape: [2, 3, 4] }, scale: { shape: [1, 4], initializer: true }, bias: { shape: [4], initializer: true } },
      nodes: [{ op: 'LayerNormalization', inputs: ['x', 'scale', 'bias'], attrs: { axis: -2 } }],
    });
  });
});

describe('InstanceNormalization VJP', () => {
  for (const opset of [13, 18]) {
    it(`(opset ${opset}) matches finite differences for input, scale, B`, async () => {
      await checkVjp({
        opset,
        inputs: { x: { shape: [2, 3, 2, 3] }, scale: { shape: [3], initializer: true }, bias: { shape: [3], initializer: true } },
        nodes: [{ op: 'InstanceNormalization', inputs: ['x', 'scale', 'bias'], attrs: { epsilon: 1e-3 } }],
      });
    });
  }

  it('1-D spatial input matches finite differences', async () => {
    await checkVjp({
      inputs: { x: { shape: [2, 2, 7] }, scale: { shape: [2], initializer: true }, bias: { shape: [2], initializer: true } },
      nodes: [{ op: 'InstanceNormalization', inputs: ['x', 'scale', 'bias'] }],
    });
  });
});
