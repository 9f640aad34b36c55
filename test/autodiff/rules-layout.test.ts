import { describe, it } from 'vitest';
import { checkVjp, type CaseInput, type CaseNode } from './vjp-harness.js';

const i64 = (values: number[], shape = [values.length]): CaseInput => ({ shape, values, int64: true });

describe('pass-through and reshaping VJP rules', () => {
  it('Identity, float Cast, CastLike and inference Dropout pass gradients through', async () => {
    await checkVjp({ inputs: { x: { shape: [2, 3] } }, nodes: [{ op: 'Identity', inputs: ['x'] }, { op: 'Cast', inputs: ['t0'], attrs: { to: 1 } }] });
    // CastLike to a float like-tensor: the gradient reaches x; the like-tensor only gives a type.
    await checkVjp({
      opset: 15, inputs: { x: { shape: [2, 3] }, like: { shape: [1], values: [0], initializer: true } },
      nodes: [{ op: 'CastLike', inputs: ['x', 'like'] }], wrt: ['x'],
    });
    await checkVjp({ opset: 11, inputs: { x: { shape: [2, 3] } }, nodes: [{ op: 'Dropout', inputs: ['x'], outputs: ['y', 'mask'], attrs: { ratio: 0.3 } }] });
    // The ratio input is a float but carries no gradient (it is zero, as finite differences agree).
    await checkVjp({ opset: 13, inputs: { x: { shape: [2, 3] }, ratio: { shape: [], values: [0.3], initializer: true } }, nodes: [{ op: 'Dropout', inputs: ['x', 'ratio'] }] });
  });

  it('Flatten, Reshape and Transpose', async () => {
    await checkVjp({ inputs: { x: { shape: [2, 3, 2, 2] } }, nodes: [{ op: 'Flatten', inputs: ['x'], attrs: { axis: 2 } }] });
    await checkVjp({ inputs: { x: { shape: [2, 3, 4] }, s: i64([0, -1, 2]) }, nodes: [{ op: 'Reshape', inputs: ['x', 's'] }] });
    await checkVjp({ inputs: { x: { shape: [2, 3, 4] } }, nodes: [{ op: 'Transpose', inputs: ['x'], attrs: { perm: [1, 2, 0] } }] });
    await checkVjp({ inputs: { x: { shape: [2, 3, 4] } }, nodes: [{ op: 'Transpose', inputs: ['x'] }] });
  });

  it('Squeeze and Unsqueeze with axes as attributes (opset 11) and inputs (opset 13)', async () => {
    await checkVjp({ opset: 11, inputs: { x: { shape: [2, 1, 3] } }, nodes: [{ op: 'Squeeze', inputs: ['x'], attrs: { axes: [-2] } }, { op: 'Unsqueeze', inputs: ['t0'], attrs: { axes: [0, 3] } }] });
    await checkVjp({ opset: 13, inputs: { x: { shape: [2, 1, 3] }, a: i64([1]), u: i64([0, -1]) }, nodes: [{ op: 'Squeeze', inputs: ['x', 'a'] }, { op: 'Unsqueeze', inputs: ['t0', 'u'] }] });
    await checkVjp({ opset: 13, inputs: { x: { shape: [1, 3, 1] } }, nodes: [{ op: 'Squeeze', inputs: ['x'] }] });
  });

  it('Expand and Tile sum the copies', async () => {
    await checkVjp({ inputs: { x: { shape: [3, 1] }, s: i64([2, 3, 4]) }, nodes: [{ op: 'Expand', inputs: ['x', 's'] }] });
    await checkVjp({ inputs: { x: { shape: [2, 3] }, r: i64([3, 1]) }, nodes: [{ op: 'Tile', inputs: ['x', 'r'] }] });
    await checkVjp({ inputs: { x: { shape: [2, 1, 3] }, r: i64([2, 4, 2]) }, nodes: [{ op: 'Tile', inputs: ['x', 'r'] }] });
  });

  it('Where routes gradients to both branches, with broadcasting', async () => {
    await checkVjp({
      inputs: { c: { shape: [2, 1], values: [0.5, -0.5] }, zero: { shape: [], values: [0], initializer: true }, a: { shape: [3] }, b: { shape: [2, 3] }, s: { shape: [], initializer: true } },
      nodes: [{ op: 'Greater', inputs: ['c', 'zero'] }, { op: 'Where', inputs: ['t0', 'a', 'b'] }, { op: 'Where', inputs: ['t0', 't1', 's'] }],
      wrt: ['a', 'b', 's'],
    });
  });
});

describe('Concat and Split VJP rules', () => {
  for (const opset of [11, 13, 18]) {
    it(`Concat on a negative axis (opset ${opset})`, async () => {
      await checkVjp({ opset, inputs: { a: { shape: [2, 1, 3] }, b: { shape: [2, 2, 3] }, w: { shape: [2, 3, 3], initializer: true } }, nodes: [{ op: 'Concat', inputs: ['a', 'b', 'w'], attrs: { axis: -2 } }] });
    });
  }

  it('Split sizes as an attribute (opset 11), an input (opset 13) and num_outputs (opset 18)', async () => {
    const use = (outs: string[]): CaseNode => ({ op: 'Mul', inputs: [outs[0], outs[2]] });
    await checkVjp({ opset: 11, inputs: { x: { shape: [2, 6] } }, nodes: [{ op: 'Split', inputs: ['x'], outputs: ['p', 'q', 'r'], attrs: { axis: 1, split: [2, 1, 3] } }, { op: 'Sub', inputs: ['r', 'q'] }] });
    await checkVjp({ opset: 13, inputs: { x: { shape: [2, 6] }, s: i64([3, 1, 2]) }, nodes: [{ op: 'Split', inputs: ['x', 's'], outputs: ['p', 'q', 'r'], attrs: { axis: -1 } }, { op: 'Concat', inputs: ['p', 'r'], attrs: { axis: 1 } }] });
    await checkVjp({ opset: 18, inputs: { x: { shape: [5, 2] } }, nodes: [{ op: 'Split', inputs: ['x'], outputs: ['p', 'q', 'r'], attrs: { num_outputs: 3 } }, use(['p', 'q', 'r'])] });
    await checkVjp({ opset: 13, inputs: { x: { shape: [6, 2] } }, nodes: [{ op: 'Split', inputs: ['x'], outputs: ['p', 'q', 'r'] }, use(['p', 'q', 'r'])] });
  });

  it('Split with only its first output consumed', async () => {
    await checkVjp({ inputs: { x: { shape: [4, 3] } }, nodes: [{ op: 'Split', inputs: ['x'], outputs: ['p', 'q'] }, { op: 'Exp', inputs: ['p'] }] });
  });
});

describe('Slice VJP rule', () => {
  const x = { shape: [4, 7, 5] };
  const slice = (starts: number[], ends: number[], axes: number[], steps?: number[]) => ({
    inputs: { x, s: i64(starts), e: i64(ends), a: i64(axes), ...(steps ? { k: i64(steps) } : {}) },
    nodes: [{ op: 'Slice', inputs: ['x', 's', 'e', 'a', ...(steps ? ['k'] : [])] }],
  });

  it('unit steps with negative starts and clamped ends', async () => {
    await checkVjp(slice([1, -3], [3, 1000], [0, -1]));
    await checkVjp(slice([-100, 2], [2 ** 63, -2], [1, 2], [1, 1]));
  });

  it('steps above 1, including a last stride that runs past the end', async () => {
    await checkVjp(slice([0, 1], [4, 7], [0, 1], [2, 3]));
    await checkVjp(slice([1], [5], [2], [3]));
  });

  it('negative steps', async () => {
    await checkVjp(slice([-1], [-1000], [1], [-1]));
    await checkVjp(slice([5, 3, 3], [0, -100, 0], [1, 2, 0], [-2, -1, -3]));
  });

  it('starts, ends and axes as attributes (opset 9)', async () => {
    await checkVjp({ opset: 9, inputs: { x }, nodes: [{ op: 'Slice', inputs: ['x'], attrs: { starts: [1, -4], ends: [3, 100], axes: [0, 1] } }] });
  });
});

describe('Gather VJP rule', () => {
  it('constant indices: a scalar, and repeated and negative ones', async () => {
    await checkVjp({ inputs: { x: { shape: [2, 4, 3] }, i: i64([0], []) }, nodes: [{ op: 'Gather', inputs: ['x', 'i'], attrs: { axis: 1 } }] });
    await checkVjp({ inputs: { x: { shape: [2, 4, 3] }, i: i64([0, 2, -1, 2], [2, 2]) }, nodes: [{ op: 'Gather', inputs: ['x', 'i'], attrs: { axis: -2 } }] });
    await checkVjp({ inputs: { w: { shape: [5, 3], initializer: true }, i: i64([4, 1, 4]) }, nodes: [{ op: 'Gather', inputs: ['w', 'i'] }] });
  });

  it('indices computed at run time, including negative ones and repeats', async () => {
    await checkVjp({
      inputs: { x: { shape: [3, 5] }, z: { shape: [4, 6], values: [0, 9, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9] }, off: i64([3], []) },
      nodes: [{ op: 'ArgMax', inputs: ['z'], attrs: { axis: 1, keepdims: 0 } }, { op: 'Sub', inputs: ['t0', 'off'] }, { op: 'Gather', inputs: ['x', 't1'], attrs: { axis: 1 } }],
      wrt: ['x'],
    });
  });
});
