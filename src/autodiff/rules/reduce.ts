/**
 * Reductions. Each rule brings gy back to the input's rank with the reduced axes kept as 1
 * (undoing keepdims=0), then broadcasts it against a per-element local derivative.
 */
import type { VjpContext, VjpEntry } from '../vjp.js';
import { attrInt, attrInts } from '../../onnx/attributes.js';
import { optionalInput } from '../vjp.js';
import { broadcastTo } from './blocked-layout.js';

/** The opset in which each reduction's axes moved from an attribute to input 1. */
const AXES_INPUT_SINCE: Record<string, number> = {
  ReduceSum: 13, ReduceMean: 18, ReduceMax: 18, ReduceMin: 18, ReduceL1: 18, ReduceL2: 18,
  ReduceSumSquare: 18, ReduceLogSumExp: 18,
};

/** Normalized reduced axes, or undefined when the node reduces nothing (noop_with_empty_axes). */
function reducedAxes(ctx: VjpContext): number[] | undefined {
  const { node } = ctx;
  const rank = ctx.shape(node.inputs[0]).length;
  const axesInput = optionalInput(node, 1);
  const fromInput = ctx.opset >= AXES_INPUT_SINCE[node.opType] || axesInput !== undefined;
  let given: number[] | undefined;
  if (!fromInput) given = attrInts(node, 'axes');
  else if (axesInput) {
    given = ctx.constValue(axesInput);
    if (!given) throw new Error('its axes are computed at run time');
  }
  if (!given || given.length === 0) {
    // noop_with_empty_axes exists only alongside the axes input.
    return fromInput && attrInt(node, 'noop_with_empty_axes', 0) === 1 ? undefined : Array.from({ length: rank }, (_, i) => i);
  }
  return given.map((a) => (a < 0 ? a + rank : a));
}

interface Reduction {
  ctx: VjpContext;
  axes: number[];
  /** gy with the reduced axes kept as size 1 (broadcasts against the input). */
  gy: string;
  /** The forward output, likewise. */
  y: () => string;
}

/** A reduction rule from its gradient given gy and y in keepdims form. */
function reduction(grad: (r: Reduction) => string): VjpEntry {
  return {
    differentiable: [0],
    rule: (ctx) => {
      const { b, node } = ctx;
      const axes = reducedAxes(ctx);
      if (!axes) return [ctx.gy[0]];
      const dims = ctx.shape(node.inputs[0]);
      const kept = dims.map((d, i) => (axes.includes(i) ? 1 : d));
      const keep = (t: string) => (attrInt(node, 'keepdims', 1) === 1 ? t : b.reshape(t, kept));
      return [grad({ ctx, axes, gy: keep(ctx.gy[0]!), y: () => keep(node.outputs[0]) })];
    },
  };
}

/** Broadcasts a keepdims-shaped tensor to the input's shape (for purely linear reductions). */
function expanded(r: Reduction, t: string): string {
  const shape = r.ctx.shape(r.ctx.node.inputs[0]);
  return broadcastTo(r.ctx, t, shape.map((d, i) => (r.axes.includes(i) ? 1 : d)), shape);
}

/**
 * ReduceMax and ReduceMin route gy to the elements equal to the result; ties share it
 * evenly, as PyTorch's amax/amin do.
 */
function extremum(r: Reduction): string {
  const { b, node } = r.ctx;
  const mask = b.maskOf(b.op('Equal', [node.inputs[0], r.y()]));
  return b.op('Mul', [mask, b.op('Div', [r.gy, b.reduceSum(mask, r.axes, true)])]);
}

const times = (r: Reduction, t: string) => r.ctx.b.op('Mul', [r.gy, t]);

export const reduceRules: Record<string, VjpEntry> = {
  ReduceSum: reduction((r) => expanded(r, r.gy)),
  ReduceMean: reduction((r) => {
    const dims = r.ctx.shape(r.ctx.node.inputs[0]);
    const count = r.axes.reduce((n, a) => n * dims[a], 1);
    return expanded(r, r.ctx.b.op('Mul', [r.gy, r.ctx.b.scalarF(1 / count)]));
  }),
  ReduceMax: reduction(extremum),
  ReduceMin: reduction(extremum),
  ReduceL1: reduction((r) => times(r, r.ctx.b.op('Sign', [r.ctx.node.inputs[0]]))),
  // x / ||x||, taken as 0 where the norm is 0 (PyTorch's choice for norm).
  ReduceL2: reduction((r) => {
    const { b, node } = r.ctx;
    const y = r.y();
    const safe = b.op('Where', [b.op('Equal', [y, b.scalarF(0)]), b.scalarF(0), b.op('Div', [r.gy, y])]);
    return b.op('Mul', [node.inputs[0], safe]);
  }),
  ReduceSumSquare: reduction((r) => times(r, r.ctx.b.op('Mul', [r.ctx.node.inputs[0], r.ctx.b.scalarF(2)]))),
  // The softmax of x over the reduced axes, read off the output: exp(x - y).
  ReduceLogSumExp: reduction((r) => times(r, r.ctx.b.op('Exp', [r.ctx.b.op('Sub', [r.ctx.node.inputs[0], r.y()])]))),
};
