import { describe, it } from 'vitest';
import { checkVjp, float, type CaseInput, type CaseNode } from './vjp-harness.js';

describe('Gemm VJP rule', () => {
  for (const [transA, transB] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
    it(`transA=${transA} transB=${transB} with alpha, beta and a broadcast bias`, async () => {
      const a = transA ? [4, 3] : [3, 4];
      const b = transB ? [5, 4] : [4, 5];
      for (const c of [[5], [3, 1], []]) {
        await checkVjp({
          inputs: { a: { shape: a }, b: { shape: b, initializer: true }, c: { shape: c, initializer: true } },
          nodes: [{ op: 'Gemm', inputs: ['a', 'b', 'c'], attrs: { transA, transB, alpha: float(0.7), beta: float(1.3) } }],
        });
      }
    });
  }

  it('without C (opset 11) and with a full C at opset 9', async () => {
    await checkVjp({ opset: 11, inputs: { a: { shape: [2, 3] }, b: { shape: [4, 3] } }, nodes: [{ op: 'Gemm', inputs: ['a', 'b'], attrs: { transB: 1 } }] });
    await checkVjp({ opset: 9, inputs: { a: { shape: [2, 3] }, b: { shape: [3, 4] }, c: { shape: [2, 4] } }, nodes: [{ op: 'Gemm', inputs: ['a', 'b', 'c'] }] });
  });
});

describe('MatMul VJP rule', () => {
  const shapes: [number[], number[], boolean?][] = [
    [[3, 4], [4, 2]],
    [[2, 3, 4], [4, 5], true], // a shared weight: the batch folds into rows
    [[3, 4], [2, 4, 5]], // the left operand broadcasts over the batch
    [[2, 1, 3, 4], [3, 4, 2]], // both batches broadcast
    [[4], [2, 4, 3]], // 1-D left operand
    [[2, 3, 4], [4]], // 1-D right operand
    [[5], [5]], // dot product
  ];
  for (const [a, b, weight] of shapes) {
    it(`[${a}] x [${b}]`, async () => {
      await checkVjp({ inputs: { a: { shape: a }, b: { shape: b, initializer: weight } }, nodes: [{ op: 'MatMul', inputs: ['a', 'b'] }] });
    });
  }
});

/** A ViT-style block: 2-head self-attention, output projection, residual, Erf GELU, class token. */
function attentionBlock(): { inputs: Record<string, CaseInput>; nodes: CaseNode[] } {
  const [t, d, h] = [4, 6, 2];
  const weight = (shape: number[]): CaseInput => ({ shape, initializer: true });
  const consts = (values: number[]): CaseInput => ({ shape: values.length === 1 ? [] : [values.length], values, initializer: true });
  const heads = (w: string, name: string, perm: number[]): CaseNode[] => [
    { op: 'MatMul', inputs: ['x', w], outputs: [`${name}_lin`] },
    { op: 'Reshape', inputs: [`${name}_lin`, 'split_heads'], outputs: [`${name}_heads`] },
    { op: 'Transpose', inputs: [`${name}_heads`], outputs: [name], attrs: { perm } },
  ];
  return {
    inputs: {
      x: { shape: [1, t, d] }, wq: weight([d, d]), wk: weight([d, d]), wv: weight([d, d]), wo: weight([d, d]), bo: weight([d]),
      split_heads: { shape: [4], values: [1, t, h, d / h], int64: true },
      merge_heads: { shape: [3], values: [1, t, d], int64: true },
      scale: consts([Math.sqrt(d / h)]), half: consts([0.5]), one: consts([1]), root2: consts([Math.SQRT2]),
      cls: { shape: [], values: [0], int64: true },
    },
    nodes: [
      ...heads('wq', 'q', [0, 2, 1, 3]),
      ...heads('wk', 'kt', [0, 2, 3, 1]),
      ...heads('wv', 'v', [0, 2, 1, 3]),
      { op: 'MatMul', inputs: ['q', 'kt'], outputs: ['scores'] },
      { op: 'Div', inputs: ['scores', 'scale'], outputs: ['scaled'] },
      { op: 'Softmax', inputs: ['scaled'], outputs: ['attn'], attrs: { axis: -1 } },
      { op: 'MatMul', inputs: ['attn', 'v'], outputs: ['ctx'] },
      { op: 'Transpose', inputs: ['ctx'], outputs: ['ctx_t'], attrs: { perm: [0, 2, 1, 3] } },
      { op: 'Reshape', inputs: ['ctx_t', 'merge_heads'], outputs: ['merged'] },
      { op: 'MatMul', inputs: ['merged', 'wo'], outputs: ['proj'] },
      { op: 'Add', inputs: ['proj', 'bo'], outputs: ['proj_b'] },
      { op: 'Add', inputs: ['x', 'proj_b'], outputs: ['res'] },
      { op: 'Div', inputs: ['res', 'root2'], outputs: ['res_s'] },
      { op: 'Erf', inputs: ['res_s'], outputs: ['erf'] },
      { op: 'Add', inputs: ['erf', 'one'], outputs: ['erf1'] },
      { op: 'Mul', inputs: ['res', 'half'], outputs: ['res_h'] },
      { op: 'Mul', inputs: ['res_h', 'erf1'], outputs: ['gelu'] },
      { op: 'Gather', inputs: ['gelu', 'cls'], outputs: ['y'], attrs: { axis: 1 } },
    ],
  };
}

describe('multi-node graphs', () => {
  it('a ViT-like attention block with Erf GELU matches finite differences for input and weights', async () => {
    for (const opset of [13, 17]) {
      await checkVjp({ ...attentionBlock(), opset, wrt: ['x', 'wq', 'wk', 'wv', 'wo', 'bo'] });
    }
  });
});
