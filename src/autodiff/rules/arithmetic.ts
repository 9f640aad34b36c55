/**
 * Elementwise arithmetic: binary ops with numpy broadcasting (each operand's gradient is
 * summed back to its own shape), variadic Sum/Mean/Max/Min, and unary math functions.
 */
import { DataType } from '../../onnx/types.js';
import type { VjpContext, VjpEntry } from '../vjp.js';
import { spatialRepeat } from './blocked-layout.js';

/** Reduces `g`, shaped like the node's first output, to the shape of input `i`. */
function toInput(ctx: VjpContext, g: string, i: number): string {
  return ctx.b.reduceToShape(g, ctx.shape(ctx.node.outputs[0]), ctx.shape(ctx.node.inputs[i]));
}

/** A binary rule from the two local gradients (each already multiplied by gy, still broadcast). */
function binary(local: (ctx: VjpContext, gy: string, i: 0 | 1) => string): VjpEntry {
  return {
    rule: (ctx) => [0, 1].map((i) => (ctx.needs(i) ? toInput(ctx, local(ctx, ctx.gy[0]!, i as 0 | 1), i) : undefined)),
  };
}

/** A unary rule: the gradient of input 0 from gy, the input x and the output y. */
function unary(grad: (ctx: VjpContext, gy: string, x: string, y: string) => string): VjpEntry {
  return { rule: (ctx) => [grad(ctx, ctx.gy[0]!, ctx.node.inputs[0], ctx.node.outputs[0])] };
}

/**
 * Max and Min route the gradient to the operands equal to the result. Ties split it evenly,
 * as PyTorch's maximum/minimum do for two operands (grad / 2 each), generalized to n.
 */
const extremum: VjpEntry = {
  rule: (ctx) => {
    const { b, node } = ctx;
    const y = node.outputs[0];
    const masks = node.inputs.map((x) => b.maskOf(b.op('Equal', [x, y])));
    const share = masks.length === 1 ? ctx.gy[0]! : b.op('Div', [ctx.gy[0]!, b.op('Sum', masks)]);
    return node.inputs.map((_, i) => (ctx.needs(i) ? toInput(ctx, b.op('Mul', [share, masks[i]]), i) : undefined));
  },
};

/** The exponent of Pow as a float tensor (Pow accepts integer exponents). */
function floatExponent(ctx: VjpContext, e: string): string {
  return ctx.type(e) === DataType.FLOAT ? e : ctx.b.op('Cast', [e], { to: DataType.FLOAT });
}

/** d/dA of A^B: B * A^(B-1), folded for a constant scalar exponent (x², x^0.5, ...). */
function powBase(ctx: VjpContext, gy: string): string {
  const { b, node } = ctx;
  const [a, e] = node.inputs;
  const known = ctx.constValue(e);
  if (known && known.length === 1) {
    const p = known[0];
    if (p === 0) return b.op('Mul', [gy, b.scalarF(0)]);
    if (p === 1) return gy;
    const d = p === 2 ? a : b.op('Pow', [a, b.scalarF(p - 1)]);
    return b.op('Mul', [gy, b.op('Mul', [d, b.scalarF(p)])]);
  }
  const ef = floatExponent(ctx, e);
  const d = b.op('Mul', [ef, b.op('Pow', [a, b.op('Sub', [ef, b.scalarF(1)])])]);
  // A zero exponent has a zero derivative even at A = 0, where 0 * 0^-1 would give NaN.
  return b.op('Mul', [gy, b.op('Where', [b.op('Equal', [ef, b.scalarF(0)]), b.scalarF(0), d])]);
}

/** d/dB of A^B: A^B * log(A), taken as 0 where A = 0 (as PyTorch does for B >= 0). */
function powExponent(ctx: VjpContext, gy: string): string {
  const { b, node } = ctx;
  const [a] = node.inputs;
  const d = b.op('Mul', [node.outputs[0], b.op('Log', [a])]);
  return b.op('Mul', [gy, b.op('Where', [b.op('Equal', [a, b.scalarF(0)]), b.scalarF(0), d])]);
}

const variadicShare = (scale: (n: number) => number): VjpEntry => ({
  rule: (ctx) => {
    const n = ctx.node.inputs.length;
    const g = scale(n) === 1 ? ctx.gy[0]! : ctx.b.op('Mul', [ctx.gy[0]!, ctx.b.scalarF(scale(n))]);
    return ctx.node.inputs.map((_, i) => (ctx.needs(i) ? toInput(ctx, g, i) : undefined));
  },
});

export const arithmeticRules: Record<string, VjpEntry> = {
  Add: binary((_ctx, gy) => gy),
  Sub: binary((ctx, gy, i) => (i === 0 ? gy : ctx.b.op('Neg', [gy]))),
  Mul: binary((ctx, gy, i) => {
    const other = ctx.node.inputs[1 - i];
    // A per-item, per-channel gate (squeeze-excitation's) repeated to gy's shape keeps gy blocked.
    return ctx.b.op('Mul', [gy, spatialRepeat(ctx, other, ctx.shape(other), ctx.shape(ctx.node.outputs[0])) ?? other]);
  }),
  Div: binary((ctx, gy, i) => {
    const { b, node } = ctx;
    const [, d] = node.inputs;
    // dY/dB = -A / B² = -Y / B, reusing the forward output.
    return i === 0 ? b.op('Div', [gy, d]) : b.op('Neg', [b.op('Div', [b.op('Mul', [gy, node.outputs[0]]), d])]);
  }),
  Pow: binary((ctx, gy, i) => (i === 0 ? powBase(ctx, gy) : powExponent(ctx, gy))),
  Sum: variadicShare(() => 1),
  Mean: variadicShare((n) => 1 / n),
  Max: extremum,
  Min: extremum,
  Neg: unary((ctx, gy) => ctx.b.op('Neg', [gy])),
  Sqrt: unary((ctx, gy, _x, y) => ctx.b.op('Div', [gy, ctx.b.op('Mul', [y, ctx.b.scalarF(2)])])),
  Reciprocal: unary((ctx, gy, _x, y) => ctx.b.op('Neg', [ctx.b.op('Mul', [gy, ctx.b.op('Mul', [y, y])])])),
  Exp: unary((ctx, gy, _x, y) => ctx.b.op('Mul', [gy, y])),
  Log: unary((ctx, gy, x) => ctx.b.op('Div', [gy, x])),
  // Sign is 0 at 0, the subgradient PyTorch picks for abs.
  Abs: unary((ctx, gy, x) => ctx.b.op('Mul', [gy, ctx.b.op('Sign', [x])])),
};
