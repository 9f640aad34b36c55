import { describe, expect, it } from 'vitest';
import { caseGradients, checkVjp, rng, type CaseInput } from './vjp-harness.js';

const i64 = (values: number[]): CaseInput => ({ shape: [values.length], values, int64: true });

/** 24 distinct values 0.1 apart in shuffled order, so max and min stay put under finite differences. */
function distinct(): CaseInput {
  const next = rng(11);
  const values = Array.from({ length: 24 }, (_, i) => (i - 12) * 0.1 + 0.03);
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [values[i], values[j]] = [values[j], values[i]];
  }
  return { shape: [2, 3, 4], values };
}

/** The axes of a reduction as the opset expects them: attribute before `since`, input from it. */
function reduce(op: string, opset: number, since: number, axes: number[] | undefined, attrs: Record<string, number> = {}, x: CaseInput = { shape: [2, 3, 4] }) {
  const asInput = opset >= since && axes !== undefined;
  return {
    opset,
    inputs: { x, ...(asInput ? { axes: i64(axes) } : {}) },
    nodes: [{ op, inputs: asInput ? ['x', 'axes'] : ['x'], attrs: { ...attrs, ...(!asInput && axes ? { axes } : {}) } }],
  };
}

describe('ReduceSum and ReduceMean VJP rules', () => {
  for (const [op, since] of [['ReduceSum', 13], ['ReduceMean', 18]] as const) {
    for (const opset of [11, 13, 18]) {
      it(`${op} at opset ${opset}: axes, keepdims, every axis`, async () => {
        await checkVjp(reduce(op, opset, since, [0, -1], { keepdims: 0 }));
        await checkVjp(reduce(op, opset, since, [1]));
        await checkVjp(reduce(op, opset, since, undefined, { keepdims: 0 }));
      });
    }
  }

  it('noop_with_empty_axes makes ReduceSum the identity', async () => {
    const { gradients } = await caseGradients({ opset: 13, inputs: { x: { shape: [3], values: [1, 2, 3] } }, nodes: [{ op: 'ReduceSum', inputs: ['x'], attrs: { noop_with_empty_axes: 1 } }] }, [4, 5, 6]);
    expect(Array.from(gradients.x)).toEqual([4, 5, 6]);
  });
});

describe('ReduceMax and ReduceMin VJP rules', () => {
  for (const op of ['ReduceMax', 'ReduceMin']) {
    it(`${op} at opsets 13 and 18`, async () => {
      await checkVjp(reduce(op, 13, 18, [1], { keepdims: 0 }, distinct()));
      await checkVjp(reduce(op, 18, 18, [0, 2], {}, distinct()));
      await checkVjp(reduce(op, 18, 18, undefined, { keepdims: 0 }, distinct()));
    });
  }

  it('ties share the gradient evenly (as torch.amax)', async () => {
    const { gradients } = await caseGradients({ inputs: { x: { shape: [2, 3], values: [1, 3, 3, 2, 0, 1] } }, nodes: [{ op: 'ReduceMax', inputs: ['x'], attrs: { axes: [1], keepdims: 0 } }] }, [4, 6]);
    expect(Array.from(gradients.x)).toEqual([0, 2, 2, 6, 0, 0]);
  });
});

describe('norm-like reduction VJP rules', () => {
  for (const op of ['ReduceL1', 'ReduceL2', 'ReduceSumSquare', 'ReduceLogSumExp']) {
    it(`${op} at opsets 13 and 18`, async () => {
      const x: CaseInput = { shape: [2, 3, 4], awayFromZero: 0.05 };
      await checkVjp(reduce(op, 13, 18, [1, 2], { keepdims: 0 }, x));
      await checkVjp(reduce(op, 18, 18, [-1], {}, x));
    });
  }

  it('ReduceL2 of a zero vector has a zero gradient', async () => {
    const { gradients } = await caseGradients({ inputs: { x: { shape: [2, 2], values: [0, 0, 3, 4] } }, nodes: [{ op: 'ReduceL2', inputs: ['x'], attrs: { axes: [1] } }] }, [1, 1]);
    expect(Array.from(gradients.x, (g) => Number(g.toFixed(6)))).toEqual([0, 0, 0.6, 0.8]);
  });
});
