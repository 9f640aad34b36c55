import { describe, expect, it } from 'vitest';
import { caseGradients, checkVjp } from './vjp-harness.js';

describe('ReLU-family VJP rules', () => {
  it('Relu matches finite differences', async () => {
    await checkVjp({ inputs: { x: { shape: [2, 3, 4], awayFromZero: 0.05 } }, nodes: [{ op: 'Relu', inputs: ['x'] }] });
  });

  it('Clip as ReLU6 (opset 17 inputs) and with both bounds matches finite differences', async () => {
    const x = Array.from({ length: 24 }, (_, i) => (i - 12) * 0.61 + 0.03);
    await checkVjp({
      inputs: { x: { shape: [2, 12], values: x }, lo: { shape: [], values: [0], initializer: true }, hi: { shape: [], values: [6], initializer: true } },
      nodes: [{ op: 'Clip', inputs: ['x', 'lo', 'hi'] }], wrt: ['x'],
    });
    await checkVjp({
      opset: 10,
      inputs: { x: { shape: [2, 12], values: x } },
      nodes: [{ op: 'Clip', inputs: ['x'], attrs: { min: -1.5, max: 2.5 } }],
    });
  });

  it('guided and deconvnet rules follow their definitions', async () => {
    const x = [-2, -1, 1, 2, -3, 3];
    const seed = [1, -1, 1, -1, -2, 2];
    const c = { inputs: { x: { shape: [6], values: x } }, nodes: [{ op: 'Relu', inputs: ['x'] }] };
    const guided = await caseGradients({ ...c, relu: 'guided' }, seed);
    expect(Array.from(guided.gradients.x)).toEqual([0, 0, 1, 0, 0, 2]);
    const deconv = await caseGradients({ ...c, relu: 'deconvnet' }, seed);
    expect(Array.from(deconv.gradients.x)).toEqual([1, 0, 1, 0, 0, 2]);
    const standard = await caseGradients(c, seed);
    expect(Array.from(standard.gradients.x, (g) => g + 0)).toEqual([0, 0, 1, -1, 0, 2]);
  });
});
