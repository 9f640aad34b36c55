/**
 * Ops that move elements without computing new ones. Their gradients move gy back: reshape
 * it, transpose it inversely, split what was concatenated, sum what was repeated.
 */
import type { GraphBuilder } from '../builder.js';
import type { VjpContext, VjpEntry } from '../vjp.js';
import { attrInt, attrInts } from '../vjp.js';

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
  Where: { differentiable: [1, 2], rule: (ctx) => [undefined, ctx.needs(1) ? whereBranch(ctx, 1) : undefined, ctx.needs(2) ? whereBranch(ctx, 2) : undefined] },
};
