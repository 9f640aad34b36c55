import { describe, expect, it } from 'vitest';
import { caseGradients, checkVjp, rng, type CaseInput } from './vjp-harness.js';

/** Values in [lo, lo + 1): keeps Log, Sqrt, Div and fractional Pow off their singularities. */
function positive(shape: number[], seed = 3, lo = 0.5): CaseInput {
  const next = rng(seed);
  return { shape, values: Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => lo + next()) };
}

describe('binary arithmetic VJP rules', () => {
  for (const op of ['Add', 'Sub', 'Mul', 'Div']) {
    it(`${op} broadcasts both operands`, async () => {
      const b = op === 'Div' ? positive([4, 1]) : { shape: [4, 1] };
      await checkVjp({ inputs: { a: { shape: [2, 1, 3] }, b }, nodes: [{ op, inputs: ['a', 'b'] }] });
    });

    it(`${op} with a scalar weight and a rank-mismatched operand`, async () => {
      const w = op === 'Div' ? { ...positive([]), initializer: true } : { shape: [], initializer: true };
      await checkVjp({
        inputs: { a: { shape: [3] }, b: op === 'Div' ? positive([2, 3]) : { shape: [2, 3] }, w },
        nodes: [{ op, inputs: ['a', 'b'] }, { op, inputs: ['t0', 'w'] }],
      });
    });
  }

  it('Mul of a tensor with itself sums both paths', async () => {
    await checkVjp({ inputs: { x: { shape: [2, 3] } }, nodes: [{ op: 'Mul', inputs: ['x', 'x'] }] });
  });

  it('Pow with constant scalar exponents (2, 3, 0.5, 0, int64) and a broadcast tensor exponent', async () => {
    for (const p of [2, 3, 0.5, 0]) {
      await checkVjp({
        inputs: { x: positive([2, 3]), p: { shape: [], values: [p], initializer: true } },
        nodes: [{ op: 'Pow', inputs: ['x', 'p'] }], wrt: ['x'],
      });
    }
    await checkVjp({
      inputs: { x: { shape: [2, 3] }, p: { shape: [], values: [3], int64: true } },
      nodes: [{ op: 'Pow', inputs: ['x', 'p'] }],
    });
    await checkVjp({
      inputs: { x: positive([2, 3]), p: { shape: [3], values: [0.5, 2, -1.5] } },
      nodes: [{ op: 'Pow', inputs: ['x', 'p'] }],
    });
  });

  it('Pow with an integer tensor exponent that is only known at run time', async () => {
    await checkVjp({
      inputs: { x: positive([2, 3]), e: { shape: [3], values: [1.2, 2.3, 3.1] } },
      nodes: [{ op: 'Cast', inputs: ['e'], attrs: { to: 7 } }, { op: 'Pow', inputs: ['x', 't0'] }],
      wrt: ['x'],
    });
  });
});

describe('variadic arithmetic VJP rules', () => {
  it('Sum and Mean broadcast three operands', async () => {
    for (const op of ['Sum', 'Mean']) {
      await checkVjp({ inputs: { a: { shape: [2, 3] }, b: { shape: [3] }, c: { shape: [2, 1], initializer: true } }, nodes: [{ op, inputs: ['a', 'b', 'c'] }] });
    }
  });

  it('Max and Min route gradients to the winning operand', async () => {
    const a = [0.1, -0.9, 0.5, 0.8, -0.3, 0.2];
    for (const op of ['Max', 'Min']) {
      await checkVjp({
        inputs: { a: { shape: [2, 3], values: a }, b: { shape: [3], values: [0.35, -0.1, -0.6] }, c: { shape: [], values: [0.65] } },
        nodes: [{ op, inputs: ['a', 'b', 'c'] }],
      });
    }
  });

  it('Max splits the gradient evenly between tied operands', async () => {
    const c = { inputs: { a: { shape: [3], values: [1, 2, 3] }, b: { shape: [3], values: [1, 0, 3] }, c: { shape: [3], values: [1, 0, 0] } }, nodes: [{ op: 'Max', inputs: ['a', 'b', 'c'] }] };
    const { gradients } = await caseGradients(c, [6, 6, 6]);
    expect(Array.from(gradients.a)).toEqual([2, 6, 3]);
    expect(Array.from(gradients.b)).toEqual([2, 0, 3]);
    expect(Array.from(gradients.c)).toEqual([2, 0, 0]);
  });
});

describe('unary arithmetic VJP rules', () => {
  for (const op of ['Neg', 'Exp', 'Abs']) {
    it(`${op} matches finite differences`, async () => {
      await checkVjp({ inputs: { x: { shape: [2, 3, 2], awayFromZero: 0.05 } }, nodes: [{ op, inputs: ['x'] }] });
    });
  }
  for (const op of ['Sqrt', 'Reciprocal', 'Log']) {
    it(`${op} matches finite differences on positive inputs`, async () => {
      await checkVjp({ inputs: { x: positive([2, 3, 2]) }, nodes: [{ op, inputs: ['x'] }] });
    });
  }

  it('Abs has a zero subgradient at 0', async () => {
    const { gradients } = await caseGradients({ inputs: { x: { shape: [3], values: [-1, 0, 2] } }, nodes: [{ op: 'Abs', inputs: ['x'] }] }, [1, 1, 1]);
    expect(Array.from(gradients.x)).toEqual([-1, 0, 1]);
  });
});
