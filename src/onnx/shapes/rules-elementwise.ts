/** Ops whose output has the broadcast shape of their inputs, with folding for constants. */
import { DataType } from '../types.js';
import type { NodeContext } from './context.js';
import { broadcastShapes } from './dims.js';
import { roundHalfEven } from '../../numeric/round-half-even.js';
import { castNumber, foldElementwise, isIntegral, type FoldOperand } from './fold.js';
import type { RuleTable, ShapeRule, TensorFacts } from './types.js';

type Unary = (x: number) => number;

/**
 * Ops whose output has the shape and type of their first input; the function is given where
 * folding constants can feed shape arithmetic.
 */
const sameTypeUnary: Record<string, Unary | null> = {
  Identity: (x) => x, Abs: Math.abs, Neg: (x) => -x, Floor: Math.floor, Ceil: Math.ceil, Sqrt: Math.sqrt,
  Round: roundHalfEven, Sign: Math.sign, Reciprocal: (x) => 1 / x, Exp: Math.exp, Log: Math.log,
  Relu: (x) => Math.max(x, 0), Sin: Math.sin, Cos: Math.cos, Tan: Math.tan, Tanh: Math.tanh,
  Sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  Asin: null, Acos: null, Atan: null, Sinh: null, Cosh: null, Asinh: null, Acosh: null, Atanh: null,
  LeakyRelu: null, Elu: null, Selu: null, Celu: null, HardSigmoid: null, HardSwish: null,
  Softplus: null, Softsign: null, Erf: null, Gelu: null, Mish: null, ThresholdedRelu: null, Shrink: null,
  BitwiseNot: null, Softmax: null, LogSoftmax: null, Hardmax: null, LRN: null, CumSum: null, Trilu: null,
  MeanVarianceNormalization: null, InstanceNormalization: null, GroupNormalization: null,
};

function unary(fn: Unary | null): ShapeRule {
  return (ctx: NodeContext) => {
    const x = ctx.facts(0);
    const value = fn ? foldElementwise([x], x.shape, x.type, ([v]) => fn(v)) : undefined;
    return [{ shape: x.shape, type: x.type, value }];
  };
}

function boolUnary(fn: Unary): ShapeRule {
  return (ctx: NodeContext) => {
    const x = ctx.facts(0);
    return [{ shape: x.shape, type: DataType.BOOL, value: foldElementwise([x], x.shape, DataType.BOOL, ([v]) => fn(v)) }];
  };
}

function broadcastOf(ctx: NodeContext, operands: readonly FoldOperand[]): number[] {
  const out = broadcastShapes(operands.map((o) => o.shape));
  if (typeof out === 'string') ctx.fail(out);
  return out;
}

type Binary = (a: number, b: number, integral: boolean, ctx: NodeContext) => number;

function pythonMod(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
}

const arithmetic: Record<string, Binary | null> = {
  Add: (a, b) => a + b,
  Sub: (a, b) => a - b,
  Mul: (a, b) => a * b,
  // Integer division in ONNX runtimes is C division: truncation toward zero.
  Div: (a, b, integral) => (integral ? (b === 0 ? 0 : Math.trunc(a / b)) : a / b),
  Mod: (a, b, integral, ctx) => (integral && ctx.int('fmod', 0) === 0 ? pythonMod(a, b) : a % b),
  Pow: (a, b) => a ** b,
  BitShift: null, BitwiseAnd: null, BitwiseOr: null, BitwiseXor: null,
};

const comparison: Record<string, (a: number, b: number) => boolean> = {
  Equal: (a, b) => a === b,
  Less: (a, b) => a < b,
  Greater: (a, b) => a > b,
  LessOrEqual: (a, b) => a <= b,
  GreaterOrEqual: (a, b) => a >= b,
  And: (a, b) => a !== 0 && b !== 0,
  Or: (a, b) => a !== 0 || b !== 0,
  Xor: (a, b) => (a !== 0) !== (b !== 0),
};

function binary(fn: Binary | null): ShapeRule {
  return (ctx: NodeContext) => {
    const a = ctx.facts(0);
    const b = ctx.facts(1);
    const shape = broadcastOf(ctx, [a, b]);
    const integral = isIntegral(a.type);
    const value = fn ? foldElementwise([a, b], shape, a.type, ([x, y]) => fn(x, y, integral, ctx)) : undefined;
    return [{ shape, type: a.type, value }];
  };
}

function compare(fn: (a: number, b: number) => boolean): ShapeRule {
  return (ctx: NodeContext) => {
    const a = ctx.facts(0);
    const b = ctx.facts(1);
    const shape = broadcastOf(ctx, [a, b]);
    return [{ shape, type: DataType.BOOL, value: foldElementwise([a, b], shape, DataType.BOOL, ([x, y]) => (fn(x, y) ? 1 : 0)) }];
  };
}

function variadic(fn: (xs: number[]) => number): ShapeRule {
  return (ctx: NodeContext) => {
    const operands = ctx.node.inputs.map((_, i) => ctx.facts(i));
    if (operands.length === 0) ctx.fail('it has no inputs', 'The model is malformed; export it again.');
    const shape = broadcastOf(ctx, operands);
    const type = operands[0].type;
    return [{ shape, type, value: foldElementwise(operands, shape, type, fn) }];
  };
}

const sum = (xs: number[]): number => xs.reduce((s, x) => s + x, 0);

const where: ShapeRule = (ctx: NodeContext) => {
  const operands = [ctx.facts(0), ctx.facts(1), ctx.facts(2)];
  const shape = broadcastOf(ctx, operands);
  const type = operands[1].type;
  return [{ shape, type, value: foldElementwise(operands, shape, type, ([c, x, y]) => (c !== 0 ? x : y)) }];
};

const clip: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.facts(0);
  // Bounds moved from attributes to optional scalar inputs in opset 11.
  const lo = ctx.has(1) ? ctx.value(1)?.[0] : ctx.float('min', -Infinity);
  const hi = ctx.has(2) ? ctx.value(2)?.[0] : ctx.float('max', Infinity);
  const value = lo === undefined || hi === undefined
    ? undefined
    : foldElementwise([x], x.shape, x.type, ([v]) => Math.min(Math.max(v, lo), hi));
  return [{ shape: x.shape, type: x.type, value }];
};

const prelu: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.facts(0);
  const shape = broadcastOf(ctx, [x, ctx.facts(1)]);
  return [{ shape, type: x.type }];
};

const cast: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.facts(0);
  const to = ctx.int('to', 0);
  if (to === 0) ctx.fail('it has no "to" attribute', 'The model is malformed; export it again.');
  return [{ shape: x.shape, type: to, value: x.value?.map((v) => castNumber(v, to)) }];
};

const castLike: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.facts(0);
  const to = ctx.type(1);
  return [{ shape: x.shape, type: to, value: x.value?.map((v) => castNumber(v, to)) }];
};

const dropout: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.facts(0);
  // The mask became boolean in opset 10; before that it had the data's type.
  const maskType = ctx.opset >= 10 ? DataType.BOOL : x.type;
  const out: TensorFacts[] = [{ shape: x.shape, type: x.type, value: x.value }];
  out.push({ shape: x.shape, type: maskType });
  return out;
};

const quantize: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.facts(0);
  return [{ shape: x.shape, type: ctx.has(2) ? ctx.type(2) : ctx.int('output_dtype', 0) || DataType.UINT8 }];
};

const dequantize: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.facts(0);
  return [{ shape: x.shape, type: ctx.type(1) }];
};

function table(): Record<string, ShapeRule> {
  const rules: Record<string, ShapeRule> = {};
  for (const [op, fn] of Object.entries(sameTypeUnary)) rules[op] = unary(fn);
  for (const [op, fn] of Object.entries(arithmetic)) rules[op] = binary(fn);
  for (const [op, fn] of Object.entries(comparison)) rules[op] = compare(fn);
  rules.Not = boolUnary((x) => (x === 0 ? 1 : 0));
  rules.IsNaN = boolUnary((x) => (Number.isNaN(x) ? 1 : 0));
  rules.IsInf = boolUnary((x) => (x === Infinity || x === -Infinity ? 1 : 0));
  rules.Sum = variadic(sum);
  rules.Mean = variadic((xs) => sum(xs) / xs.length);
  rules.Max = variadic((xs) => Math.max(...xs));
  rules.Min = variadic((xs) => Math.min(...xs));
  Object.assign(rules, {
    Where: where, Clip: clip, PRelu: prelu, Cast: cast, CastLike: castLike, Dropout: dropout,
    QuantizeLinear: quantize, DequantizeLinear: dequantize,
  });
  return rules;
}

export const elementwiseRules: RuleTable = table();
