import { describe, expect, it } from 'vitest';
import { ConvlensError } from '../../src/errors.js';
import { inferShapes, shapeInferenceOps } from '../../src/onnx/shapes/index.js';
import { DataType } from '../../src/onnx/types.js';
import { GraphBuilder, int, ints, expectMatchesRuntime, tensorAttr } from './shapes-harness.js';
import { int64Tensor } from '../../src/onnx/tensor.js';

/** A small float constant: onnxruntime implements some variadic ops for floats only. */
const f0 = (g: GraphBuilder): string => g.floats([1.5, -2, 3]);

function expectShapeError(run: () => unknown, ...fragments: string[]): void {
  let caught: unknown;
  try { run(); } catch (e) { caught = e; }
  expect(caught).toBeInstanceOf(ConvlensError);
  expect((caught as ConvlensError).code).toBe('SHAPE_INFERENCE');
  for (const f of fragments) expect((caught as ConvlensError).message).toContain(f);
}

describe('shape inference: constant folding', () => {
  it('folds the Shape→Gather→Unsqueeze→Concat→Reshape flatten the legacy PyTorch exporter emits', async () => {
    const g = new GraphBuilder(11);
    const x = g.input('x', [3, 8, 2, 2]);
    const pooled = g.op('GlobalAveragePool', [x]);
    const shape = g.op('Shape', [pooled]);
    const batch = g.op('Gather', [shape, g.op('Constant', [], { value: tensorAttr(int64Tensor('i', [], [0])) })], { axis: int(0) });
    const unsq = g.op('Unsqueeze', [batch], { axes: ints([0]) });
    const target = g.op('Concat', [unsq, g.ints([-1])], { axis: int(0) });
    const flat = g.op('Reshape', [pooled, target]);
    g.op('Gemm', [flat, g.weight([5, 8])], { transB: int(1) });
    const info = await expectMatchesRuntime(g);
    expect(info.values.get(shape)).toEqual([3, 8, 1, 1]);
    expect(info.shapes.get(batch)).toEqual([]);
    expect(info.values.get(batch)).toEqual([3]);
    expect(info.values.get(unsq)).toEqual([3]);
    expect(info.values.get(target)).toEqual([3, -1]);
    expect(info.shapes.get(flat)).toEqual([3, 8]);
    expect(info.values.has(flat)).toBe(false);
    expect(info.types.get(target)).toBe(DataType.INT64);
  });

  it('folds the opset-13 form with axes inputs and a ViT-style head reshape', async () => {
    const g = new GraphBuilder(13);
    const x = g.input('x', [2, 197, 48]);
    const shape = g.op('Shape', [x]);
    const dims = g.node('Split', [shape, g.ints([1, 1, 1])], {}, 3);
    const heads = g.ints([4], []);
    const headDim = g.op('Div', [g.op('Squeeze', [dims[2], g.ints([0])]), heads]);
    const target = g.op('Concat', [dims[0], dims[1], g.op('Unsqueeze', [heads, g.ints([0])]), g.op('Unsqueeze', [headDim, g.ints([0])])], { axis: int(0) });
    const split = g.op('Reshape', [x, target]);
    const t = g.op('Transpose', [split], { perm: ints([0, 2, 1, 3]) });
    const scale = g.op('Sqrt', [g.op('Cast', [headDim], { to: int(DataType.FLOAT) })]);
    g.op('Div', [t, scale]);
    const info = await expectMatchesRuntime(g);
    expect(info.values.get(target)).toEqual([2, 197, 4, 12]);
    expect(info.values.get(scale)![0]).toBeCloseTo(Math.sqrt(12), 6);
  });

  it('folds integer and float arithmetic the way onnxruntime computes it', async () => {
    const g = new GraphBuilder(13);
    const a = g.ints([-7, 7, -8, 9, 0, 5]);
    const b = g.ints([2, -2, 3, -4, 3, 5]);
    for (const op of ['Add', 'Sub', 'Mul', 'Div', 'Mod', 'Max', 'Min', 'Equal', 'Less', 'Greater']) g.op(op, [a, b]);
    g.op('Mod', [a, b], { fmod: int(1) });
    g.op('Sum', [f0(g), f0(g), f0(g)]);
    g.op('Where', [g.op('Less', [a, b]), a, g.ints([100], [])]);
    g.op('Not', [g.op('Equal', [a, b])]);
    g.op('Abs', [a]);
    g.op('Neg', [a]);
    const f = g.floats([-2.5, -1.5, 0.5, 1.5, 2.5, 3.7]);
    for (const op of ['Floor', 'Ceil', 'Round', 'Abs', 'Neg', 'Sqrt', 'Sign']) g.op(op, [f]);
    g.op('Div', [f, g.floats([3], [])]);
    g.op('Cast', [f], { to: int(DataType.INT64) });
    g.op('Cast', [g.op('Mul', [g.op('Cast', [a], { to: int(DataType.FLOAT) }), g.floats([1.5], [])])], { to: int(DataType.INT32) });
    g.op('Cast', [f], { to: int(DataType.BOOL) });
    g.op('Range', [g.ints([0], []), g.op('ReduceMax', [a], { keepdims: int(0) }), g.ints([2], [])]);
    for (const op of ['ReduceSum', 'ReduceProd', 'ReduceMin', 'ReduceMax']) g.op(op, [g.ints([1, 2, 3, 4, 5, 6], [2, 3]), g.ints([1])].slice(0, op === 'ReduceSum' ? 2 : 1), op === 'ReduceSum' ? {} : { axes: ints([0]) });
    g.op('Expand', [g.ints([1, 2, 3], [3, 1]), g.ints([2, 3, 2])]);
    g.op('Tile', [g.ints([1, 2], [1, 2]), g.ints([2, 3])]);
    g.op('Transpose', [g.ints([1, 2, 3, 4, 5, 6], [2, 3])]);
    g.node('Split', [g.ints([1, 2, 3, 4, 5, 6], [2, 3]), g.ints([1, 2])], { axis: int(1) }, 2);
    g.op('Slice', [g.ints([1, 2, 3, 4, 5, 6], [2, 3]), g.ints([-1]), g.ints([-100]), g.ints([1]), g.ints([-2])]);
    g.op('Gather', [g.ints([1, 2, 3, 4, 5, 6], [2, 3]), g.ints([2, -3, 1, 1], [2, 2])], { axis: int(1) });
    g.op('ConstantOfShape', [g.ints([2, 2])], { value: tensorAttr(int64Tensor('v', [1], [-1])) });
    g.op('Clip', [f, g.floats([-1], []), g.floats([2], [])]);
    g.op('Identity', [g.op('Size', [a])]);
    g.op('Concat', [g.ints([1, 2], [1, 2]), g.ints([3, 4, 5, 6], [2, 2])], { axis: int(0) });
    g.op('Concat', [g.ints([1, 2], [2, 1]), g.ints([3, 4, 5, 6], [2, 2])], { axis: int(1) });
    g.op('NonZero', [a]);
    const info = await expectMatchesRuntime(g);
    // Every tensor above is foldable; expectMatchesRuntime compared each folded value with the runtime's.
    const unfolded = g.graph.nodes.flatMap((n) => n.outputs).filter((o) => !info.values.has(o));
    expect(unfolded).toEqual([]);
  });

  it('keeps values of small initializers and stops folding past 1024 elements', () => {
    const g = new GraphBuilder(13);
    const small = g.weight([32, 32]);
    const big = g.weight([33, 32]);
    const shape = g.op('Shape', [big]);
    const filled = g.op('ConstantOfShape', [shape]);
    const info = g.infer();
    expect(info.values.get(small)).toHaveLength(1024);
    expect(info.values.has(big)).toBe(false);
    expect(info.values.get(shape)).toEqual([33, 32]);
    expect(info.shapes.get(filled)).toEqual([33, 32]);
    expect(info.values.has(filled)).toBe(false);
  });

  it('sorts nodes stored out of order', () => {
    const g = new GraphBuilder(13);
    const x = g.input('x', [2, 3]);
    const r = g.op('Relu', [x]);
    g.op('Reshape', [r, g.op('Shape', [x])]);
    g.graph.nodes.reverse();
    const info = g.infer();
    expect(info.shapes.get(g.graph.nodes[0].outputs[0])).toEqual([2, 3]);
  });
});

describe('shape inference: errors say which node and what to do', () => {
  it('rejects a Reshape whose target shape comes from run-time data', () => {
    const g = new GraphBuilder(13);
    const x = g.input('x', [2, 6]);
    const t = g.input('t', [2], DataType.INT64);
    g.node('Reshape', [x, t], {}, ['y']);
    g.graph.nodes[0].name = 'head/reshape';
    expectShapeError(() => g.infer(), 'head/reshape', 'Reshape', 'run time', 'static');
  });

  it('rejects NonZero on run-time data', () => {
    const g = new GraphBuilder(13);
    g.op('NonZero', [g.input('x', [2, 6])]);
    expectShapeError(() => g.infer(), 'NonZero', 'run time');
  });

  it('rejects ops it does not know, naming them', () => {
    const g = new GraphBuilder(13);
    g.node('FancyOp', [g.input('x', [2, 6])], {}, ['y']);
    g.graph.nodes[0].domain = 'com.example';
    expectShapeError(() => g.infer(), 'com.example.FancyOp', 'not supported');
    expect(shapeInferenceOps.has('Conv')).toBe(true);
    expect(shapeInferenceOps.has('FancyOp')).toBe(false);
  });

  it('rejects missing, malformed and conflicting input shapes', () => {
    const g = new GraphBuilder(13);
    g.op('Relu', [g.input('x', [2, 3, 4])]);
    expectShapeError(() => inferShapes(g.graph, 13, {}), '"x"', 'inputShapes');
    expectShapeError(() => inferShapes(g.graph, 13, { x: [2, 3, 5] }), '"x"', 'declared');
    expectShapeError(() => inferShapes(g.graph, 13, { x: [2, 3] }), '"x"');
    expectShapeError(() => inferShapes(g.graph, 13, { x: [2, 3, 4], y: [1] }), '"y"');
    expectShapeError(() => inferShapes(g.graph, 13, { x: [2, -3, 4] }), 'non-negative');
    expect(inferShapes(g.graph, 13, { x: [5, 3, 4] }).shapes.get('x')).toEqual([5, 3, 4]);
  });

  it('explains a channel mismatch at a convolution', () => {
    const g = new GraphBuilder(13);
    g.op('Conv', [g.input('x', [1, 4, 8, 8]), g.weight([2, 3, 3, 3])]);
    expectShapeError(() => g.infer(), 'Conv', '4 channels');
  });

  it('explains a reshape that bakes in a different input size', () => {
    const g = new GraphBuilder(13);
    g.op('Reshape', [g.input('x', [1, 4, 7, 7]), g.ints([1, 4 * 8 * 8])]);
    expectShapeError(() => g.infer(), 'Reshape', 'cannot reshape');
  });
});
