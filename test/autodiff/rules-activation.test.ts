import { describe, expect, it } from 'vitest';
import { caseGradients, checkVjp, float, rng } from './vjp-harness.js';

/** 24 values spread over [-4.6, 4.6], none within 0.05 of 0, ±2.5 or ±3 (the kinks tested here). */
const spread = Array.from({ length: 24 }, (_, i) => -4.6 + i * 0.4 + 0.01);

describe('pointwise activation VJP rules', () => {
  const cases: [string, Record<string, ReturnType<typeof float> | number | string>?, number?][] = [
    ['LeakyRelu'], ['LeakyRelu', { alpha: 0.2 }], ['Elu', { alpha: 0.7 }], ['Selu'], ['Celu', { alpha: float(1.5) }],
    ['Sigmoid'], ['Tanh'], ['HardSigmoid'], ['HardSigmoid', { alpha: float(1 / 6), beta: 0.5 }], ['HardSwish'],
    ['Erf'], ['Softplus'], ['Softsign'], ['Mish', {}, 18],
    ['Gelu', {}, 20], ['Gelu', { approximate: 'tanh' }, 20],
  ];
  for (const [op, attrs, opset] of cases) {
    it(`${op} ${JSON.stringify(attrs ?? {})} matches finite differences`, async () => {
      await checkVjp({ opset, inputs: { x: { shape: [2, 12], values: spread } }, nodes: [{ op, inputs: ['x'], attrs }] });
    });
  }

  it('HardSigmoid and HardSwish use PyTorch\'s derivatives at the boundaries ±3', async () => {
    const x = { shape: [5], values: [-3, -1, 0, 3, 4] };
    const seed = [1, 1, 1, 1, 1];
    const hs = await caseGradients({ inputs: { x }, nodes: [{ op: 'HardSigmoid', inputs: ['x'], attrs: { alpha: float(1 / 6), beta: 0.5 } }] }, seed);
    expect(Array.from(hs.gradients.x)).toEqual([0, 1 / 6, 1 / 6, 0, 0].map(Math.fround));
    const sw = await caseGradients({ inputs: { x }, nodes: [{ op: 'HardSwish', inputs: ['x'] }] }, seed);
    Array.from(sw.gradients.x).forEach((g, i) => expect(g).toBeCloseTo([-0.5, 1 / 6, 0.5, 1.5, 1][i], 6));
  });

  it('HardSwish on channels onnxruntime blocks: the Clip form, exact at and next to ±3 and far out', async () => {
    const next = rng(5);
    // 2^-22 is the float32 spacing next to ±3.
    const step = 2 ** -22;
    const special = [-3, 3, -3 - step, -3 + step, 3 - step, 3 + step, 0, -0.5, 1e6, -1e6, 2.999, -2.999];
    const values = Array.from({ length: 2 * 8 * 3 * 3 }, (_, i) => (i < special.length ? Math.fround(special[i]) : Math.fround((next() - 0.5) * 10)));
    const seed = Array.from({ length: values.length }, () => next() * 2 - 1);
    const { gradients, gradModel } = await caseGradients({ inputs: { x: { shape: [2, 8, 3, 3], values } }, nodes: [{ op: 'HardSwish', inputs: ['x'] }] }, seed);
    const ops = gradModel.graph.nodes.map((n) => n.opType);
    expect(ops).toContain('Clip');
    expect(ops).not.toContain('Where');
    const derivative = (v: number) => (v < -3 ? 0 : v <= 3 ? v / 3 + 0.5 : 1);
    Array.from(gradients.x).forEach((g, i) => expect(g, `x = ${values[i]}`).toBeCloseTo(seed[i] * derivative(values[i]), 6));
  });

  it('HardSwish on channels onnxruntime blocks matches finite differences', async () => {
    await checkVjp({ inputs: { x: { shape: [1, 16, 3, 2], values: Array.from({ length: 96 }, (_, i) => (i - 48) * 0.137 + 0.05) } }, nodes: [{ op: 'HardSwish', inputs: ['x'] }] });
  });

  it('PRelu gives gradients for the input and for per-channel and shared slopes', async () => {
    for (const slope of [[3, 1, 1], [1]]) {
      await checkVjp({
        inputs: { x: { shape: [2, 3, 2, 2], awayFromZero: 0.05 }, slope: { shape: slope, initializer: true } },
        nodes: [{ op: 'PRelu', inputs: ['x', 'slope'] }],
      });
    }
  });
});

describe('Softmax and LogSoftmax VJP rules', () => {
  for (const op of ['Softmax', 'LogSoftmax']) {
    it(`${op} per axis from opset 13 (default and explicit axis)`, async () => {
      await checkVjp({ opset: 13, inputs: { x: { shape: [2, 3, 4] } }, nodes: [{ op, inputs: ['x'] }] });
      await checkVjp({ opset: 17, inputs: { x: { shape: [2, 3, 4] } }, nodes: [{ op, inputs: ['x'], attrs: { axis: 1 } }] });
    });

    it(`${op} flattens to 2-D at the axis before opset 13`, async () => {
      await checkVjp({ opset: 11, inputs: { x: { shape: [2, 3, 4] } }, nodes: [{ op, inputs: ['x'] }] });
      await checkVjp({ opset: 12, inputs: { x: { shape: [2, 3, 4] } }, nodes: [{ op, inputs: ['x'], attrs: { axis: -1 } }] });
    });
  }
});
