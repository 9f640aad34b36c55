/**
 * Ops that move elements without computing new ones. Their gradients move gy back: reshape
 * it, transpose it inversely, split what was concatenated, sum what was repeated, put
 * sliced and gathered elements back in place among zeros. Only Slice, Pad, Reshape, Split
 * and MatMul are used for that, ops every execution provider runs.
 */
import { DataType } from '../../onnx/types.js';
import type { GraphBuilder } from '../builder.js';
import type { VjpContext, VjpEntry } from '../vjp.js';
import { attrInt, attrInts } from '../../onnx/attributes.js';
import { optionalInput } from '../vjp.js';
import { sliceAxis, type AxisRange } from '../../onnx/slice-range.js';

const normalize = (axis: number, rank: number) => (axis < 0 ? axis + rank : axis);

/** The gradient of input 0 is gy itself. */
const passThrough: VjpEntry = { differentiable: [0], rule: (ctx) => [ctx.gy[0]] };

/** Same elements in a new shape: the gradient is gy in the input's shape. */
const reshaped: VjpEntry = {
  differentiable: [0],
  rule: (ctx) => [ctx.b.reshape(ctx.gy[0]!, ctx.shape(ctx.node.inputs[0]))],
};

/** Split with explicit sizes; the sizes moved from an attribute to input 1 in opset 13. */
function splitInto(b: GraphBuilder, x: string, axis: number, sizes: number[]): string[] {
  if (sizes.length === 1) return [x];
  if (b.opset >= 13) return b.node('Split', [x, b.constI(sizes)], { axis }, sizes.length);
  return b.node('Split', [x], { axis, split: sizes }, sizes.length);
}

const transpose: VjpEntry = {
  differentiable: [0],
  rule: (ctx) => {
    const rank = ctx.shape(ctx.node.inputs[0]).length;
    const perm = attrInts(ctx.node, 'perm') ?? Array.from({ length: rank }, (_, i) => rank - 1 - i);
    const inverse = new Array<number>(rank);
    perm.forEach((p, i) => { inverse[normalize(p, rank)] = i; });
    return [ctx.b.transpose(ctx.gy[0]!, inverse)];
  },
};

const concat: VjpEntry = {
  rule: (ctx) => {
    const { node } = ctx;
    const rank = ctx.shape(node.inputs[0]).length;
    const axis = normalize(attrInt(node, 'axis', 0), rank);
    return splitInto(ctx.b, ctx.gy[0]!, axis, node.inputs.map((x) => ctx.shape(x)[axis]));
  },
};

/** Split: gradients of the outputs concatenated back; outputs without one contribute zeros. */
const split: VjpEntry = {
  differentiable: [0],
  rule: (ctx) => {
    const { b, node } = ctx;
    const axis = normalize(attrInt(node, 'axis', 0), ctx.shape(node.inputs[0]).length);
    const parts = node.outputs.map((o, i) => ctx.gy[i] ?? b.op('ConstantOfShape', [b.constI(ctx.shape(o))]));
    return [b.concat(parts, axis)];
  },
};

const expand: VjpEntry = {
  differentiable: [0],
  rule: (ctx) => [ctx.b.reduceToShape(ctx.gy[0]!, ctx.shape(ctx.node.outputs[0]), ctx.shape(ctx.node.inputs[0]))],
};

/** Tile repeats the input r_i times along axis i; viewing gy as [r0, d0, r1, d1, ...] sums the copies. */
const tile: VjpEntry = {
  differentiable: [0],
  rule: (ctx) => {
    const { b, node } = ctx;
    const dims = ctx.shape(node.inputs[0]);
    const repeats = ctx.constValue(node.inputs[1]);
    if (!repeats) throw new Error('its repeats are computed at run time');
    const view = b.reshape(ctx.gy[0]!, dims.flatMap((d, i) => [repeats[i], d]));
    return [b.reduceSum(view, dims.map((_, i) => 2 * i), false)];
  },
};

function whereBranch(ctx: VjpContext, i: 1 | 2): string {
  const { b, node } = ctx;
  const zero = b.scalarF(0);
  const g = b.op('Where', i === 1 ? [node.inputs[0], ctx.gy[0]!, zero] : [node.inputs[0], zero, ctx.gy[0]!]);
  return b.reduceToShape(g, ctx.shape(node.outputs[0]), ctx.shape(node.inputs[i]));
}

/** A list operand: input `i` (a compile-time constant) or, in older opsets, attribute `attr`. */
function listOperand(ctx: VjpContext, i: number, attr: string): number[] | undefined {
  const name = optionalInput(ctx.node, i);
  if (!name) return attrInts(ctx.node, attr);
  const v = ctx.constValue(name);
  if (!v) throw new Error(`its ${attr} are computed at run time`);
  return v;
}

function sliceRanges(ctx: VjpContext, dims: number[]): AxisRange[] {
  // Opset 10 turned the starts/ends/axes attributes into inputs and added steps.
  const starts = listOperand(ctx, 1, 'starts') ?? [];
  const ends = listOperand(ctx, 2, 'ends') ?? [];
  const axes = listOperand(ctx, 3, 'axes') ?? starts.map((_, i) => i);
  const steps = listOperand(ctx, 4, 'steps') ?? starts.map(() => 1);
  const ranges = dims.map((d) => ({ start: 0, step: 1, count: d }));
  axes.forEach((a, i) => {
    const axis = normalize(a, dims.length);
    ranges[axis] = sliceAxis(dims[axis], starts[i], ends[i], steps[i]);
  });
  return ranges;
}

/**
 * The gradient of Slice scatters gy into zeros. Per strided axis: a negative step is undone
 * by reversing gy (it then starts at the lowest index taken); a step s > 1 by interleaving
 * s - 1 zeros after every element (pad a new axis of size 1 to s, merge). One Pad then
 * places the block at its offset in the input.
 */
const slice: VjpEntry = {
  differentiable: [0],
  rule: (ctx) => {
    const { b, node } = ctx;
    const dims = ctx.shape(node.inputs[0]);
    const ranges = sliceRanges(ctx, dims);
    if (ranges.some((r) => r.count === 0)) return [b.op('ConstantOfShape', [b.constI(dims)])];
    let g = ctx.gy[0]!;
    const cur = ranges.map((r) => r.count);
    const pads = new Array<number>(2 * dims.length).fill(0);
    ranges.forEach((r, a) => {
      let lo = r.start;
      if (r.step < 0) {
        g = b.slice(g, [-1], [-(r.count + 1)], [a], [-1]);
        lo = r.start + (r.count - 1) * r.step;
      }
      const step = Math.abs(r.step);
      if (step > 1) {
        const spread = [...cur.slice(0, a + 1), 1, ...cur.slice(a + 1)];
        const widen = new Array<number>(2 * spread.length).fill(0);
        widen[spread.length + a + 1] = step - 1;
        g = b.padZeros(b.reshape(g, spread), widen);
        cur[a] = r.count * step;
        g = b.reshape(g, cur);
        // Drop trailing zeros that would run past the input's end.
        const fit = Math.min(cur[a], dims[a] - lo);
        if (fit < cur[a]) g = b.slice(g, [0], [fit], [a]);
        cur[a] = fit;
      }
      pads[a] = lo;
      pads[dims.length + a] = dims[a] - lo - cur[a];
    });
    return [b.padZeros(g, pads)];
  },
};

const product = (dims: number[]) => dims.reduce((p, d) => p * d, 1);

/**
 * One-hot matrix [dim, n]: entry (j, k) is 1 when index k (negative ones count from the end)
 * selects row j. Known indices give a constant; others are compared at run time, in float
 * (exact for any realistic axis length) because every execution provider compares floats.
 */
function oneHot(ctx: VjpContext, indices: string, dim: number, n: number): string {
  const { b } = ctx;
  const known = ctx.constValue(indices);
  if (known) {
    const h = new Float32Array(dim * n);
    known.forEach((i, k) => { h[(i < 0 ? i + dim : i) * n + k] = 1; });
    return b.constF(h, [dim, n]);
  }
  const row = b.reshape(b.op('Cast', [indices], { to: DataType.FLOAT }), [1, n]);
  const wrapped = b.op('Where', [b.op('Less', [row, b.scalarF(0)]), b.op('Add', [row, b.scalarF(dim)]), row]);
  const column = b.constF(Array.from({ length: dim }, (_, j) => j), [dim, 1]);
  return b.maskOf(b.op('Equal', [column, wrapped]));
}

/**
 * Gather along `axis`: with gy viewed as [P, n, Q] (n the number of indices), the gradient
 * is onehot [dim, n] · gy, i.e. [P, dim, Q]. A repeated index sums its gradients, which a
 * ScatterND without reduction (before opset 16) would overwrite.
 */
const gather: VjpEntry = {
  differentiable: [0],
  rule: (ctx) => {
    const { b, node } = ctx;
    const [data, indices] = node.inputs;
    const dims = ctx.shape(data);
    const axis = normalize(attrInt(node, 'axis', 0), dims.length);
    const n = product(ctx.shape(indices));
    const view = b.reshape(ctx.gy[0]!, [product(dims.slice(0, axis)), n, product(dims.slice(axis + 1))]);
    return [b.reshape(b.op('MatMul', [oneHot(ctx, indices, dims[axis], n), view]), dims)];
  },
};

export const layoutRules: Record<string, VjpEntry> = {
  Identity: passThrough,
  // Inference-mode Dropout is the identity; ratio and training_mode are not differentiable.
  Dropout: passThrough,
  // Only float-to-float casts are on a gradient path: other types carry no gradient.
  Cast: passThrough,
  CastLike: passThrough,
  Flatten: reshaped,
  Reshape: reshaped,
  Squeeze: reshaped,
  Unsqueeze: reshaped,
  Transpose: transpose,
  Concat: concat,
  Split: split,
  Expand: expand,
  Tile: tile,
  Slice: slice,
  Gather: gather,
  Where: { differentiable: [1, 2], rule: (ctx) => [undefined, ctx.needs(1) ? whereBranch(ctx, 1) : undefined, ctx.needs(2) ? whereBranch(ctx, 2) : undefined] },
};
