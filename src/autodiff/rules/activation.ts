/**
 * Activation functions. Where the derivative is cheapest from the forward output (Sigmoid,
 * Tanh, Elu, Softmax) the rule reads the output instead of recomputing the function.
 */
import type { VjpContext, VjpEntry } from '../vjp.js';
import { attrFloat, attrInt, attrString } from '../../onnx/attributes.js';
import { blockedHardSwishDerivative } from './blocked-layout.js';

/** gy times the elementwise derivative dy/dx, built from x and the output y. */
function pointwise(derivative: (ctx: VjpContext, x: string, y: string) => string): VjpEntry {
  return {
    differentiable: [0],
    rule: (ctx) => [ctx.b.op('Mul', [ctx.gy[0]!, derivative(ctx, ctx.node.inputs[0], ctx.node.outputs[0])])],
  };
}

const positive = (ctx: VjpContext, x: string) => ctx.b.op('Greater', [x, ctx.b.scalarF(0)]);

/** Where x > 0 the derivative is `slope`, elsewhere `other`. */
const ifPositive = (ctx: VjpContext, x: string, slope: number, other: string) =>
  ctx.b.op('Where', [positive(ctx, x), ctx.b.scalarF(slope), other]);

/**
 * HardSigmoid is linear (slope alpha) strictly between the x where alpha x + beta crosses 0
 * and 1, and flat outside, boundaries included, as PyTorch's hardsigmoid_backward. The
 * boundaries are computed here in double precision so x = ±3 of PyTorch's default lands
 * exactly on them.
 */
function hardSigmoid(ctx: VjpContext, x: string): string {
  const { b, node } = ctx;
  const alpha = attrFloat(node, 'alpha', 0.2);
  const beta = attrFloat(node, 'beta', 0.5);
  if (alpha === 0) return b.scalarF(0);
  const [lo, hi] = [-beta / alpha, (1 - beta) / alpha].sort((p, q) => p - q);
  const inside = b.op('And', [b.op('Greater', [x, b.scalarF(lo)]), b.op('Less', [x, b.scalarF(hi)])]);
  return b.op('Mul', [b.maskOf(inside), b.scalarF(alpha)]);
}

/**
 * HardSwish x·relu6(x+3)/6: 0 below -3, x/3 + 1/2 on [-3, 3], 1 above (PyTorch's boundaries).
 * Comparisons and Where take x and the gradient out of onnxruntime's blocked layout, so
 * blocked shapes get the form of blocked-layout.ts: MobileNetV3-Large's saliency graph went
 * from 123 to 109 ms (2 threads, batch 8, interleaved with the plain forward pass).
 */
function hardSwish(ctx: VjpContext, x: string): string {
  const { b } = ctx;
  const blocked = blockedHardSwishDerivative(ctx, x);
  if (blocked) return blocked;
  const middle = b.op('Add', [b.op('Mul', [x, b.scalarF(1 / 3)]), b.scalarF(0.5)]);
  const low = b.op('Where', [b.op('Less', [x, b.scalarF(-3)]), b.scalarF(0), middle]);
  return b.op('Where', [b.op('Greater', [x, b.scalarF(3)]), b.scalarF(1), low]);
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/** Gelu (opset 20): Φ(x) + x φ(x), or the derivative of its tanh approximation. */
function gelu(ctx: VjpContext, x: string): string {
  const { b } = ctx;
  const mul = (p: string, q: string) => b.op('Mul', [p, q]);
  const add = (p: string, q: string) => b.op('Add', [p, q]);
  const x2 = mul(x, x);
  if (attrString(ctx.node, 'approximate', 'none') === 'tanh') {
    // u = c (x + k x³), y = x (1 + tanh u) / 2, dy = (1 + t) / 2 + x (1 - t²) c (1 + 3k x²) / 2.
    const k = 0.044715;
    const t = b.op('Tanh', [mul(b.scalarF(SQRT_2_OVER_PI), add(x, mul(b.scalarF(k), mul(x2, x))))]);
    const du = mul(b.scalarF(0.5 * SQRT_2_OVER_PI), add(b.scalarF(1), mul(b.scalarF(3 * k), x2)));
    const half = mul(add(b.scalarF(1), t), b.scalarF(0.5));
    return add(half, mul(mul(x, b.op('Sub', [b.scalarF(1), mul(t, t)])), du));
  }
  const cdf = mul(add(b.op('Erf', [mul(x, b.scalarF(Math.SQRT1_2))]), b.scalarF(1)), b.scalarF(0.5));
  const pdf = mul(b.op('Exp', [mul(x2, b.scalarF(-0.5))]), b.scalarF(1 / Math.sqrt(2 * Math.PI)));
  return add(cdf, mul(x, pdf));
}

/** Mish x·tanh(softplus x): tanh(sp) + x·sigmoid(x)·(1 - tanh²(sp)). */
function mish(ctx: VjpContext, x: string): string {
  const { b } = ctx;
  const t = b.op('Tanh', [b.op('Softplus', [x])]);
  const sech2 = b.op('Sub', [b.scalarF(1), b.op('Mul', [t, t])]);
  return b.op('Add', [t, b.op('Mul', [b.op('Mul', [x, b.op('Sigmoid', [x])]), sech2])]);
}

/**
 * Axes Softmax normalizes over: from opset 13 the one `axis` (default -1); before, the input
 * was flattened to 2-D at `axis` (default 1), so every axis from it on.
 */
function softmaxAxes(ctx: VjpContext): number[] {
  const rank = ctx.shape(ctx.node.inputs[0]).length;
  const raw = attrInt(ctx.node, 'axis', ctx.opset >= 13 ? -1 : 1);
  const axis = raw < 0 ? raw + rank : raw;
  if (ctx.opset >= 13) return [axis];
  return Array.from({ length: rank - axis }, (_, i) => axis + i);
}

/** PRelu: y = x where x > 0, slope·x elsewhere; slope broadcasts to x (unidirectionally). */
const prelu: VjpEntry = {
  rule: (ctx) => {
    const { b, node } = ctx;
    const [x, slope] = node.inputs;
    const gy = ctx.gy[0]!;
    const pos = positive(ctx, x);
    const gx = ctx.needs(0) ? b.op('Mul', [gy, b.op('Where', [pos, b.scalarF(1), slope])]) : undefined;
    const gs = ctx.needs(1)
      ? b.reduceToShape(b.op('Mul', [gy, b.op('Where', [pos, b.scalarF(0), x])]), ctx.shape(x), ctx.shape(slope))
      : undefined;
    return [gx, gs];
  },
};

const SELU_ALPHA = 1.67326319217681884765625;
const SELU_GAMMA = 1.05070102214813232421875;

export const activationRules: Record<string, VjpEntry> = {
  LeakyRelu: pointwise((ctx, x) => ifPositive(ctx, x, 1, ctx.b.scalarF(attrFloat(ctx.node, 'alpha', 0.01)))),
  PRelu: prelu,
  // Below zero, Elu's derivative alpha·e^x equals y + alpha.
  Elu: pointwise((ctx, x, y) => ifPositive(ctx, x, 1, ctx.b.op('Add', [y, ctx.b.scalarF(attrFloat(ctx.node, 'alpha', 1))]))),
  Selu: pointwise((ctx, x, y) => {
    const alpha = attrFloat(ctx.node, 'alpha', SELU_ALPHA);
    const gamma = attrFloat(ctx.node, 'gamma', SELU_GAMMA);
    return ifPositive(ctx, x, gamma, ctx.b.op('Add', [y, ctx.b.scalarF(alpha * gamma)]));
  }),
  // Below zero, Celu's derivative e^(x/alpha) equals y/alpha + 1.
  Celu: pointwise((ctx, x, y) => {
    const alpha = attrFloat(ctx.node, 'alpha', 1);
    return ifPositive(ctx, x, 1, ctx.b.op('Add', [ctx.b.op('Mul', [y, ctx.b.scalarF(1 / alpha)]), ctx.b.scalarF(1)]));
  }),
  Sigmoid: pointwise((ctx, _x, y) => ctx.b.op('Mul', [y, ctx.b.op('Sub', [ctx.b.scalarF(1), y])])),
  Tanh: pointwise((ctx, _x, y) => ctx.b.op('Sub', [ctx.b.scalarF(1), ctx.b.op('Mul', [y, y])])),
  HardSigmoid: pointwise(hardSigmoid),
  HardSwish: pointwise(hardSwish),
  Erf: pointwise((ctx, x) => {
    const { b } = ctx;
    return b.op('Mul', [b.op('Exp', [b.op('Neg', [b.op('Mul', [x, x])])]), b.scalarF(2 / Math.sqrt(Math.PI))]);
  }),
  Gelu: pointwise(gelu),
  Softplus: pointwise((ctx, x) => ctx.b.op('Sigmoid', [x])),
  Softsign: pointwise((ctx, x) => {
    const { b } = ctx;
    const d = b.op('Add', [b.op('Abs', [x]), b.scalarF(1)]);
    return b.op('Reciprocal', [b.op('Mul', [d, d])]);
  }),
  Mish: pointwise(mish),
  Softmax: {
    rule: (ctx) => {
      const { b } = ctx;
      const y = ctx.node.outputs[0];
      const gyY = b.op('Mul', [ctx.gy[0]!, y]);
      return [b.op('Sub', [gyY, b.op('Mul', [y, b.reduceSum(gyY, softmaxAxes(ctx), true)])])];
    },
  },
  LogSoftmax: {
    rule: (ctx) => {
      const { b } = ctx;
      const gy = ctx.gy[0]!;
      const p = b.op('Exp', [ctx.node.outputs[0]]);
      return [b.op('Sub', [gy, b.op('Mul', [p, b.reduceSum(gy, softmaxAxes(ctx), true)])])];
    },
  },
};
