/**
 * Pad. Constant mode (negative pads crop): the gradient keeps the part of gy that came from
 * the data and zero-fills what was cropped; the constant value gets the sum of gy over the
 * padding. Reflect and edge modes also send the padding's gradient back to the input rows
 * it copied, one axis at a time (the padding is separable, so the adjoints compose).
 */
import type { VjpContext, VjpEntry } from '../vjp.js';
import { attrInts, attrString } from '../../onnx/attributes.js';
import { optionalInput } from '../vjp.js';

/** Pads of every axis in ONNX order (all begins, then all ends), known at compile time. */
function fullPads(ctx: VjpContext, rank: number): number[] {
  const { node } = ctx;
  const pads = ctx.opset >= 11 ? ctx.constValue(node.inputs[1]) : (attrInts(node, 'pads') ?? attrInts(node, 'paddings'));
  if (!pads) throw new Error('its pads are computed at run time; only constant pads are supported');
  const axesInput = optionalInput(node, 3);
  if (!axesInput) return pads;
  const axes = ctx.constValue(axesInput);
  if (!axes) throw new Error('its axes are computed at run time; only constant axes are supported');
  const full = new Array<number>(2 * rank).fill(0);
  axes.forEach((a, i) => {
    const axis = a < 0 ? a + rank : a;
    full[axis] = pads[i];
    full[axis + rank] = pads[i + axes.length];
  });
  return full;
}

/** Zero padding along one axis. */
function padAxis(ctx: VjpContext, g: string, rank: number, axis: number, before: number, after: number): string {
  const pads = new Array<number>(2 * rank).fill(0);
  pads[axis] = before;
  pads[axis + rank] = after;
  return ctx.b.padZeros(g, pads);
}

/**
 * Adjoint of reflect or edge padding along one axis: `g` has length before + n + after
 * there, the result has length n.
 */
function unpadAxis(ctx: VjpContext, g: string, rank: number, axis: number, n: number, before: number, after: number, mode: string): string {
  const { b } = ctx;
  const parts = [b.slice(g, [before], [before + n], [axis])];
  if (mode === 'reflect') {
    // Padding row j (counting outwards from the data) copies data row j (from that end, 0-based edge excluded).
    if (before > 0) {
      const rows = Array.from({ length: before }, (_, j) => before - 1 - j);
      parts.push(padAxis(ctx, b.op('Gather', [g, b.constI(rows)], { axis }), rank, axis, 1, n - 1 - before));
    }
    if (after > 0) {
      const rows = Array.from({ length: after }, (_, j) => before + n - 1 + after - j);
      parts.push(padAxis(ctx, b.op('Gather', [g, b.constI(rows)], { axis }), rank, axis, n - 1 - after, 1));
    }
  } else {
    // Edge padding copies the first and last data rows.
    if (before > 0) parts.push(padAxis(ctx, b.reduceSum(b.slice(g, [0], [before], [axis]), [axis], true), rank, axis, 0, n - 1));
    if (after > 0) parts.push(padAxis(ctx, b.reduceSum(b.slice(g, [before + n], [before + n + after], [axis]), [axis], true), rank, axis, n - 1, 0));
  }
  return b.sum(parts);
}

function pad(ctx: VjpContext): (string | undefined)[] {
  const { node, b } = ctx;
  const gy = ctx.gy[0]!;
  const shape = ctx.shape(node.inputs[0]);
  const rank = shape.length;
  const pads = fullPads(ctx, rank);
  const mode = attrString(node, 'mode', 'constant');
  if (mode === 'constant') {
    const out = ctx.shape(node.outputs[0]);
    const axes = shape.map((_, i) => i).filter((i) => pads[i] > 0 || pads[i + rank] > 0);
    const kept = axes.length === 0 ? gy
      : b.slice(gy, axes.map((i) => Math.max(0, pads[i])), axes.map((i) => out[i] - Math.max(0, pads[i + rank])), axes);
    const dx = b.padZeros(kept, pads.map((p) => Math.max(0, -p)));
    const value = optionalInput(node, 2);
    // The constant fills every output cell that is not a kept data cell.
    const all = shape.map((_, i) => i);
    const dValue = value && b.reshape(b.op('Sub', [b.reduceSum(gy, all, false), b.reduceSum(kept, all, false)]), ctx.shape(value));
    return [dx, undefined, dValue];
  }
  if (mode !== 'reflect' && mode !== 'edge') throw new Error(`mode "${mode}" is not supported (constant, reflect and edge are)`);
  if (pads.some((p) => p < 0)) throw new Error(`negative pads in ${mode} mode are not supported`);
  let g = gy;
  for (let axis = 0; axis < rank; axis++) {
    if (pads[axis] > 0 || pads[axis + rank] > 0) g = unpadAxis(ctx, g, rank, axis, shape[axis], pads[axis], pads[axis + rank], mode);
  }
  return [g];
}

export const padRules: Record<string, VjpEntry> = {
  Pad: { differentiable: [0, 2], rule: pad },
};
