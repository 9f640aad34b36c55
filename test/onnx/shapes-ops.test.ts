import { describe, expect, it } from 'vitest';
import { float32Tensor, int64Tensor } from '../../src/onnx/tensor.js';
import { DataType } from '../../src/onnx/types.js';
import { float, floats, GraphBuilder, int, ints, expectMatchesRuntime, str, tensorAttr } from './shapes-harness.js';

const INT64_MAX = 2 ** 63;

describe('shape inference: elementwise ops and broadcasting against onnxruntime', () => {
  it('binary, variadic and comparison ops broadcast multidirectionally', async () => {
    const g = new GraphBuilder(13);
    const a = g.input('a', [2, 1, 4]);
    const b = g.input('b', [3, 1]);
    const c = g.input('c', [1, 3, 4]);
    for (const op of ['Add', 'Sub', 'Mul', 'Div', 'Pow']) g.op(op, [a, b]);
    for (const op of ['Sum', 'Max', 'Min', 'Mean']) g.op(op, [a, b, c]);
    g.op('Max', [a]);
    const less = g.op('Less', [a, c]);
    g.op('Equal', [g.op('Greater', [b, c]), less]);
    g.op('LessOrEqual', [a, b]);
    g.op('GreaterOrEqual', [c, a]);
    g.op('Where', [less, b, g.weight([4])]);
    g.op('Not', [g.op('Or', [less, g.op('And', [less, less])])]);
    g.op('Add', [a, g.weight([])]);
    g.op('PRelu', [g.input('p', [2, 3, 4, 5]), g.weight([3, 1, 1])]);
    await expectMatchesRuntime(g);
  });

  it('unary activations keep shape and type', async () => {
    const g = new GraphBuilder(18);
    const x = g.input('x', [2, 3, 5]);
    const ops = ['Relu', 'Sigmoid', 'Tanh', 'Softplus', 'Softsign', 'Erf', 'Mish', 'Exp', 'Log', 'Sqrt', 'Reciprocal',
      'Neg', 'Abs', 'Sin', 'Cos', 'Floor', 'Ceil', 'Round', 'Sign', 'HardSwish', 'Identity', 'IsNaN', 'IsInf'];
    for (const op of ops) g.op(op, [x]);
    g.op('LeakyRelu', [x], { alpha: float(0.1) });
    g.op('Elu', [x]);
    g.op('Selu', [x]);
    g.op('Celu', [x]);
    g.op('HardSigmoid', [x]);
    g.op('ThresholdedRelu', [x]);
    for (const op of ['Softmax', 'LogSoftmax', 'Hardmax']) g.op(op, [x], { axis: int(-2) });
    g.op('CumSum', [x, g.ints([1], [])]);
    g.op('Trilu', [x, g.ints([1], [])], { upper: int(0) });
    g.node('Dropout', [x, g.floats([0.5], []), g.constant([0], [], DataType.BOOL)], {}, 2);
    g.op('Clip', [x, g.floats([-0.2], []), g.floats([0.3], [])]);
    g.op('Clip', [x, '', g.floats([0.3], [])]);
    g.op('Cast', [x], { to: int(DataType.INT32) });
    g.op('CastLike', [x, g.ints([1])]);
    const info = await expectMatchesRuntime(g);
    expect([...info.types.values()].filter((t) => t === DataType.BOOL).length).toBeGreaterThanOrEqual(3);
  });

  it('Gelu (opset 20) and Clip attributes (opset 6)', async () => {
    const g20 = new GraphBuilder(20);
    g20.op('Gelu', [g20.input('x', [2, 7])], { approximate: str('tanh') });
    await expectMatchesRuntime(g20);
    const g6 = new GraphBuilder(6);
    g6.op('Clip', [g6.input('x', [2, 7])], { min: float(0), max: float(6) });
    await expectMatchesRuntime(g6);
  });

  it('Gemm, MatMul with 1-D operands and batch broadcasting, Einsum', async () => {
    const g = new GraphBuilder(13);
    g.op('Gemm', [g.input('a', [4, 6]), g.weight([5, 6]), g.weight([5])], { transB: int(1) });
    g.op('Gemm', [g.input('at', [6, 4]), g.weight([6, 3])], { transA: int(1) });
    const m = g.input('m', [2, 1, 3, 4]);
    g.op('MatMul', [m, g.weight([5, 4, 6])]);
    g.op('MatMul', [m, g.weight([4])]);
    g.op('MatMul', [g.weight([3]), m]);
    g.op('MatMul', [g.weight([4]), g.weight([4])]);
    g.op('MatMul', [g.input('v', [7, 3]), g.weight([3, 2])]);
    g.op('Einsum', [m, g.weight([5, 4, 6])], { equation: str('abij,cjk->abcik') });
    g.op('Einsum', [m], { equation: str('...ij->...ji') });
    g.op('Einsum', [g.input('e', [3, 4]), g.weight([4, 5])], { equation: str('ij,jk') });
    g.op('Einsum', [m], { equation: str('abij->') });
    await expectMatchesRuntime(g);
  });
});

describe('shape inference: layout ops against onnxruntime', () => {
  it('Reshape with 0 and -1, allowzero, Flatten at several axes, Transpose', async () => {
    const g = new GraphBuilder(14);
    const x = g.input('x', [2, 3, 4, 5]);
    g.op('Reshape', [x, g.ints([0, -1])]);
    g.op('Reshape', [x, g.ints([0, 0, -1, 2])]);
    g.op('Reshape', [x, g.ints([-1])]);
    g.op('Reshape', [x, g.ints([4, 0, -1])]);
    g.op('Reshape', [g.input('z', [0, 3]), g.ints([3, 0])], { allowzero: int(1) });
    for (const axis of [0, 1, 2, 4, -1]) g.op('Flatten', [x], { axis: int(axis) });
    g.op('Transpose', [x]);
    g.op('Transpose', [x], { perm: ints([0, 2, 3, 1]) });
    g.op('Expand', [g.input('e', [3, 1]), g.ints([2, 1, 6])]);
    g.op('Expand', [g.input('f', [1, 4]), g.ints([3, 1])]);
    g.op('Tile', [x, g.ints([1, 2, 1, 3])]);
    g.op('DepthToSpace', [g.input('d', [1, 8, 3, 2])], { blocksize: int(2), mode: str('CRD') });
    g.op('SpaceToDepth', [g.input('s', [1, 2, 6, 4])], { blocksize: int(2) });
    await expectMatchesRuntime(g);
  });

  it('Squeeze and Unsqueeze: axes attribute (opset 11) and input (opset 13), negative axes', async () => {
    const g11 = new GraphBuilder(11);
    const a = g11.input('x', [1, 3, 1, 5]);
    g11.op('Squeeze', [a]);
    g11.op('Squeeze', [a], { axes: ints([-2]) });
    g11.op('Unsqueeze', [a], { axes: ints([0, -1]) });
    g11.op('Unsqueeze', [a], { axes: ints([2, 4]) });
    await expectMatchesRuntime(g11);
    const g13 = new GraphBuilder(13);
    const b = g13.input('x', [1, 3, 1, 5]);
    g13.op('Squeeze', [b]);
    g13.op('Squeeze', [b, g13.ints([0, -2])]);
    g13.op('Unsqueeze', [b, g13.ints([-1, 1])]);
    await expectMatchesRuntime(g13);
  });

  it('Concat and Split in every opset form', async () => {
    const g11 = new GraphBuilder(11);
    const x = g11.input('x', [2, 10, 3]);
    g11.op('Concat', [x, g11.input('y', [2, 4, 3]), x], { axis: int(-2) });
    g11.node('Split', [x], { axis: int(1), split: ints([3, 7]) }, 2);
    g11.node('Split', [x], { axis: int(1) }, 5);
    await expectMatchesRuntime(g11);
    const g13 = new GraphBuilder(13);
    const y = g13.input('x', [2, 10, 3]);
    g13.node('Split', [y, g13.ints([1, 2, 7])], { axis: int(-2) }, 3);
    g13.node('Split', [y], {}, 2);
    await expectMatchesRuntime(g13);
    const g18 = new GraphBuilder(18);
    const z = g18.input('x', [2, 10, 3]);
    g18.node('Split', [z], { axis: int(1), num_outputs: int(3) }, 3);
    g18.node('Split', [z], { axis: int(1), num_outputs: int(4) }, 4);
    g18.node('Split', [z, g18.ints([4, 6])], { axis: int(1) }, 2);
    await expectMatchesRuntime(g18);
  });

  it('Slice with negative steps, negative starts and INT64 extremes; attribute form before opset 10', async () => {
    const g = new GraphBuilder(13);
    const x = g.input('x', [6, 7, 8]);
    const cases: number[][][] = [
      [[0], [INT64_MAX], [1], [2]],
      [[-1], [-INT64_MAX], [0], [-1]],
      [[-2, 1], [-INT64_MAX, -1], [2, 1], [-3, 2]],
      [[10], [-10], [2], [-2]],
      [[5], [2], [0], [1]],
      [[1, 0, 2], [5, 100, 7], [0, 1, 2], [2, 3, 4]],
      [[-100], [100], [-1], [1]],
      [[3], [3], [1], [1]],
    ];
    for (const [starts, ends, axes, steps] of cases) {
      g.op('Slice', [x, g.ints(starts), g.ints(ends), g.ints(axes), g.ints(steps)]);
    }
    g.op('Slice', [x, g.ints([1, -3]), g.ints([INT64_MAX, -1])]);
    await expectMatchesRuntime(g);
    const g9 = new GraphBuilder(9);
    g9.op('Slice', [g9.input('x', [6, 7])], { starts: ints([1, -3]), ends: ints([1000, -1]), axes: ints([0, 1]) });
    g9.op('Slice', [g9.input('y', [6, 7])], { starts: ints([2]), ends: ints([4]) });
    await expectMatchesRuntime(g9);
  });

  it('Pad: attribute (opset 10), input (opset 11), axes (opset 18), negative pads', async () => {
    const g10 = new GraphBuilder(10);
    g10.op('Pad', [g10.input('x', [1, 3, 4, 5])], { pads: ints([0, 0, 1, 2, 0, 0, 3, 4]), mode: str('reflect') });
    await expectMatchesRuntime(g10);
    const g11 = new GraphBuilder(11);
    const x = g11.input('x', [1, 3, 4, 5]);
    g11.op('Pad', [x, g11.ints([0, 1, 2, -1, 0, 0, -2, 3])]);
    g11.op('Pad', [x, g11.ints([0, 0, 1, 1, 0, 0, 1, 1]), g11.floats([2], [])], { mode: str('edge') });
    await expectMatchesRuntime(g11);
    const g18 = new GraphBuilder(18);
    g18.op('Pad', [g18.input('x', [1, 3, 4, 5]), g18.ints([1, 2, 3, 0]), '', g18.ints([-1, 2])]);
    await expectMatchesRuntime(g18);
  });
});

describe('shape inference: reductions and indexing against onnxruntime', () => {
  it('reductions: axes attribute before opset 13/18, input after, keepdims, noop_with_empty_axes', async () => {
    const reduceOps = ['ReduceMean', 'ReduceSum', 'ReduceMax', 'ReduceMin', 'ReduceProd', 'ReduceL1', 'ReduceL2',
      'ReduceLogSum', 'ReduceLogSumExp', 'ReduceSumSquare'];
    for (const opset of [11, 13, 18]) {
      const g = new GraphBuilder(opset);
      const x = g.input('x', [2, 3, 4, 5]);
      for (const op of reduceOps) {
        const axesAsInput = opset >= (op === 'ReduceSum' ? 13 : 18);
        for (const keepdims of [0, 1]) {
          if (axesAsInput) g.op(op, [x, g.ints([1, -1])], { keepdims: int(keepdims) });
          else g.op(op, [x], { axes: ints([1, -1]), keepdims: int(keepdims) });
          g.op(op, [x], { keepdims: int(keepdims) });
        }
        if (axesAsInput) {
          g.op(op, [x, g.ints([])], { noop_with_empty_axes: int(1) });
          g.op(op, [x], { noop_with_empty_axes: int(1) });
        }
      }
      g.op('ArgMax', [x], { axis: int(-1), keepdims: int(0) });
      g.op('ArgMin', [x], { axis: int(1) });
      await expectMatchesRuntime(g);
    }
  });

  it('TopK (K input and attribute), Gather, GatherElements, GatherND, scatters, OneHot', async () => {
    const g = new GraphBuilder(13);
    const x = g.input('x', [3, 4, 5]);
    g.node('TopK', [x, g.ints([2])], { axis: int(1) }, 2);
    g.node('TopK', [x, g.ints([5])], {}, 2);
    g.op('Gather', [x, g.ints([1], [])], { axis: int(1) });
    g.op('Gather', [x, g.ints([0, -1, 2, 1, 0, 1], [2, 3])], { axis: int(-1) });
    g.op('GatherElements', [x, g.ints(new Array(12).fill(1), [3, 2, 2])], { axis: int(1) });
    g.op('GatherND', [x, g.ints([0, 1, 2, 3], [2, 2])]);
    g.op('ScatterElements', [x, g.ints([0, 1], [1, 1, 2]), g.weight([1, 1, 2])], { axis: int(2) });
    g.op('ScatterND', [x, g.ints([0, 1], [1, 2]), g.weight([1, 5])]);
    g.op('OneHot', [g.ints([0, 2, 1], [3]), g.ints([4], []), g.floats([0, 1])], { axis: int(0) });
    g.op('OneHot', [g.ints([0, 2, 1, 3], [2, 2]), g.floats([5], []), g.floats([0, 1])]);
    await expectMatchesRuntime(g);
    const g9 = new GraphBuilder(9);
    g9.node('TopK', [g9.input('x', [3, 4])], { k: int(3) }, 2);
    await expectMatchesRuntime(g9);
  });
});

describe('shape inference: resizing against onnxruntime', () => {
  it('Upsample with scales attribute (opset 7) and input (opset 9)', async () => {
    const g7 = new GraphBuilder(7);
    g7.op('Upsample', [g7.input('x', [1, 2, 3, 5])], { scales: floats([1, 1, 2, 1.5]) });
    await expectMatchesRuntime(g7);
    const g9 = new GraphBuilder(9);
    g9.op('Upsample', [g9.input('x', [1, 2, 3, 5]), g9.floats([1, 1, 2.5, 3])]);
    await expectMatchesRuntime(g9);
  });

  it('Resize with scales (opset 10, 11, 13) and sizes, including fractional scales', async () => {
    const g10 = new GraphBuilder(10);
    g10.op('Resize', [g10.input('x', [1, 2, 7, 5]), g10.floats([1, 1, 0.3333, 1.7])]);
    await expectMatchesRuntime(g10);
    for (const opset of [11, 13]) {
      const g = new GraphBuilder(opset);
      const x = g.input('x', [1, 2, 7, 5]);
      const roi = g.floats([]);
      g.op('Resize', [x, roi, g.floats([1, 1, 2, 0.5])], { mode: str('nearest') });
      g.op('Resize', [x, roi, g.floats([]), g.ints([1, 2, 9, 4])], { mode: str('linear') });
      g.op('Resize', [x, roi, g.floats([1, 1, 1.34, 0.61])], { mode: str('linear') });
      if (opset >= 13) g.op('Resize', [x, '', '', g.ints([1, 2, 3, 3])]);
      await expectMatchesRuntime(g);
    }
  });

  it('Resize opset 18: axes and keep_aspect_ratio_policy', async () => {
    const g = new GraphBuilder(18);
    const x = g.input('x', [1, 2, 7, 5]);
    g.op('Resize', [x, '', g.floats([2, 3])], { axes: ints([2, 3]) });
    // onnxruntime 1.30 ignores the policy when axes are negative (ONNX's own inference does not), so only
    // non-negative axes are compared here.
    g.op('Resize', [x, '', '', g.ints([10, 20])], { axes: ints([2, 3]), keep_aspect_ratio_policy: str('not_larger') });
    g.op('Resize', [x, '', '', g.ints([10, 20])], { axes: ints([-2, -1]) });
    g.op('Resize', [x, '', '', g.ints([10, 20])], { axes: ints([2, 3]), keep_aspect_ratio_policy: str('not_smaller') });
    g.op('Resize', [x, '', '', g.ints([1, 2, 3, 9])], { keep_aspect_ratio_policy: str('not_larger') });
    await expectMatchesRuntime(g);
  });
});

describe('shape inference: constants and shape ops against onnxruntime', () => {
  it('Constant in every attribute form, ConstantOfShape, Range, Shape with start/end, Size', async () => {
    const g = new GraphBuilder(15);
    const x = g.input('x', [2, 3, 4]);
    g.op('Constant', [], { value: tensorAttr(float32Tensor('v', [2, 2], [1, 2, 3, 4])) });
    g.op('Constant', [], { value_float: float(1.5) });
    g.op('Constant', [], { value_floats: floats([1, 2.5]) });
    g.op('Constant', [], { value_int: int(7) });
    const c = g.op('Constant', [], { value_ints: ints([3, 1, 2]) });
    g.op('ConstantOfShape', [c]);
    g.op('ConstantOfShape', [c], { value: tensorAttr(int64Tensor('v', [1], [5])) });
    g.op('ConstantOfShape', [g.ints([])], { value: tensorAttr(int64Tensor('v', [1], [5])) });
    g.op('Range', [g.ints([2], []), g.ints([13], []), g.ints([3], [])]);
    g.op('Range', [g.floats([1], []), g.floats([0.2], []), g.floats([-0.25], [])]);
    g.op('Range', [g.ints([5], []), g.ints([1], []), g.ints([1], [])]);
    for (const [start, end] of [[0, undefined], [1, undefined], [-2, undefined], [0, -1], [1, 2], [2, 1], [-10, 10]]) {
      g.op('Shape', [x], end === undefined ? { start: int(start!) } : { start: int(start!), end: int(end) });
    }
    g.op('Size', [x]);
    g.op('NonZero', [g.ints([0, 3, 0, 1, 2, 0], [2, 3])]);
    await expectMatchesRuntime(g);
  });
});
