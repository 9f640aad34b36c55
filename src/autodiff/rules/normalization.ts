/**
 * Normalization: BatchNormalization in inference mode (a per-channel affine map of fixed
 * statistics), and LayerNormalization / InstanceNormalization, whose statistics depend on
 * the input and are recomputed in the gradient graph.
 */
import type { VjpContext, VjpEntry } from '../vjp.js';
import { attrFloat, attrInt } from '../../onnx/attributes.js';
import { optionalInput } from '../vjp.js';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** Every axis but the channel axis 1. */
const notChannel = (rank: number) => [0, ...range(2, rank)];

/** Reshapes a per-channel vector [C] so it broadcasts against x: [N, C, ...]. */
function perChannel(ctx: VjpContext, v: string, x: number[]): string {
  return ctx.b.reshape(v, [x[1], ...new Array<number>(x.length - 2).fill(1)]);
}

function batchNormalization(ctx: VjpContext): (string | undefined)[] {
  const { node, b } = ctx;
  if (attrInt(node, 'training_mode', 0) === 1) {
    throw new Error('training_mode=1 (batch statistics) is not supported; export the model in eval mode');
  }
  const [x, scale, , mean, variance] = node.inputs;
  const gy = ctx.gy[0]!;
  const xShape = ctx.shape(x);
  const rank = xShape.length;
  const varEps = b.op('Add', [variance, b.scalarF(attrFloat(node, 'epsilon', 1e-5))]);
  const rstd = b.op('Reciprocal', [b.op('Sqrt', [varEps])]);
  const gain = b.op('Mul', [scale, rstd]);
  // Nodes of gradients nobody asked for are pruned when the variant is assembled.
  const sumGy = b.reduceSum(gy, notChannel(rank), false);
  const sumGyXc = b.reduceSum(b.op('Mul', [gy, b.op('Sub', [x, perChannel(ctx, mean, xShape)])]), notChannel(rank), false);
  return [
    b.op('Mul', [gy, perChannel(ctx, gain, xShape)]),
    b.op('Mul', [sumGyXc, rstd]),
    sumGy,
    b.op('Neg', [b.op('Mul', [sumGy, gain])]),
    // d/dvar of scale * (x - mean) * (var + eps)^-1/2 is -scale * (x - mean) * rstd / (2 (var + eps)).
    b.op('Mul', [b.op('Mul', [sumGyXc, gain]), b.op('Div', [b.scalarF(-0.5), varEps])]),
  ];
}

/**
 * For y = xhat * scale + bias with xhat = (x - mean) / sqrt(var + eps) over `axes`:
 * dx = rstd * (g - mean(g) - xhat * mean(g * xhat)) with g = gy * scale. Returns dx and
 * gy * xhat (summed by the caller into the scale gradient). Nodes of gradients nobody
 * asked for are pruned when the variant is assembled.
 */
function standardize(ctx: VjpContext, scale: string, axes: number[], eps: number) {
  const { b } = ctx;
  const x = ctx.node.inputs[0];
  const gy = ctx.gy[0]!;
  const centered = b.op('Sub', [x, b.reduceMean(x, axes, true)]);
  const variance = b.reduceMean(b.op('Mul', [centered, centered]), axes, true);
  const rstd = b.op('Reciprocal', [b.op('Sqrt', [b.op('Add', [variance, b.scalarF(eps)])])]);
  const xhat = b.op('Mul', [centered, rstd]);
  const g = b.op('Mul', [gy, scale]);
  const inner = b.op('Sub', [b.op('Sub', [g, b.reduceMean(g, axes, true)]), b.op('Mul', [xhat, b.reduceMean(b.op('Mul', [g, xhat]), axes, true)])]);
  return { dx: b.op('Mul', [rstd, inner]), gyXhat: b.op('Mul', [gy, xhat]) };
}

function layerNormalization(ctx: VjpContext): (string | undefined)[] {
  const { node, b } = ctx;
  if (ctx.gy[1] || ctx.gy[2]) throw new Error('gradients through the Mean and InvStdDev outputs are not supported');
  const x = node.inputs[0];
  const xShape = ctx.shape(x);
  const rank = xShape.length;
  const axis = attrInt(node, 'axis', -1);
  const first = axis < 0 ? axis + rank : axis;
  const scale = node.inputs[1];
  const bias = optionalInput(node, 2);
  const { dx, gyXhat } = standardize(ctx, scale, range(first, rank), attrFloat(node, 'epsilon', 1e-5));
  return [
    dx,
    b.reduceToShape(gyXhat, xShape, ctx.shape(scale)),
    bias ? b.reduceToShape(ctx.gy[0]!, xShape, ctx.shape(bias)) : undefined,
  ];
}

function instanceNormalization(ctx: VjpContext): (string | undefined)[] {
  const { node, b } = ctx;
  const [x, scale] = node.inputs;
  const xShape = ctx.shape(x);
  const rank = xShape.length;
  const { dx, gyXhat } = standardize(ctx, perChannel(ctx, scale, xShape), range(2, rank), attrFloat(node, 'epsilon', 1e-5));
  return [
    dx,
    b.reduceSum(gyXhat, notChannel(rank), false),
    b.reduceSum(ctx.gy[0]!, notChannel(rank), false),
  ];
}

export const normalizationRules: Record<string, VjpEntry> = {
  BatchNormalization: { rule: batchNormalization },
  LayerNormalization: { rule: layerNormalization },
  InstanceNormalization: { rule: instanceNormalization },
};
