/** Reductions along axes: Reduce*, ArgMax/ArgMin and TopK. */
import { DataType } from '../types.js';
import type { NodeContext } from './context.js';
import { formatDims, stridesOf } from './dims.js';
import { castNumber, gatherCoords, smallEnough } from './fold.js';
import type { RuleTable, ShapeRule } from './types.js';

/** The opset in which each reduction's axes moved from an attribute to input 1. */
const AXES_INPUT_SINCE: Record<string, number> = {
  ReduceSum: 13, ReduceMean: 18, ReduceMax: 18, ReduceMin: 18, ReduceProd: 18, ReduceL1: 18,
  ReduceL2: 18, ReduceLogSum: 18, ReduceLogSumExp: 18, ReduceSumSquare: 18,
};

const folds: Record<string, (xs: number[]) => number> = {
  ReduceSum: (xs) => xs.reduce((s, x) => s + x, 0),
  ReduceProd: (xs) => xs.reduce((s, x) => s * x, 1),
  ReduceMin: (xs) => Math.min(...xs),
  ReduceMax: (xs) => Math.max(...xs),
  ReduceMean: (xs) => xs.reduce((s, x) => s + x, 0) / xs.length,
};

function reducedAxes(ctx: NodeContext, rank: number): number[] | 'none' {
  const fromInput = ctx.opset >= AXES_INPUT_SINCE[ctx.op] || ctx.has(1);
  const given = fromInput ? (ctx.has(1) ? ctx.constant(1, 'axes') : undefined) : ctx.ints('axes');
  if (given === undefined || given.length === 0) {
    // noop_with_empty_axes only exists alongside the axes input.
    if (fromInput && ctx.int('noop_with_empty_axes', 0) === 1) return 'none';
    return [...Array(rank).keys()];
  }
  return ctx.axes(given, rank);
}

function fold(values: number[], shape: number[], axes: number[], keep: number[], type: number, fn: (xs: number[]) => number): number[] {
  const strides = stridesOf(shape);
  const reducedShape = axes.map((a) => shape[a]);
  return gatherCoords(keep.map((a) => shape[a]), (c) => {
    const base = c.reduce((idx, ci, i) => idx + ci * strides[keep[i]], 0);
    const xs = gatherCoords(reducedShape, (r) => values[r.reduce((idx, ri, i) => idx + ri * strides[axes[i]], base)]);
    return castNumber(fn(xs), type);
  });
}

const reduce: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.facts(0);
  const axes = reducedAxes(ctx, x.shape.length);
  if (axes === 'none') return [{ shape: x.shape, type: x.type, value: x.value }];
  const keepDims = ctx.int('keepdims', 1) === 1;
  const shape = keepDims ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : x.shape.filter((_, i) => !axes.includes(i));
  const fn = folds[ctx.op];
  let value: number[] | undefined;
  if (fn && x.value && smallEnough(shape)) {
    const keep = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
    value = fold(x.value, x.shape, axes, keep, x.type, fn);
  }
  return [{ shape, type: x.type, value }];
};

const argReduce: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.shape(0);
  const axis = ctx.axis(ctx.int('axis', 0), x.length);
  const shape = ctx.int('keepdims', 1) === 1 ? x.map((d, i) => (i === axis ? 1 : d)) : x.filter((_, i) => i !== axis);
  return [{ shape, type: DataType.INT64 }];
};

const topK: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.shape(0);
  const axis = ctx.axis(ctx.int('axis', -1), x.length);
  // K moved from an attribute to input 1 in opset 10.
  const k = ctx.has(1) ? ctx.constant(1, 'K')[0] : ctx.int('k', -1);
  if (!(k >= 0) || k > x[axis]) ctx.fail(`K=${k} is not within the axis length ${x[axis]} of ${formatDims(x)}`);
  const shape = x.map((d, i) => (i === axis ? k : d));
  return [{ shape, type: ctx.type(0) }, { shape, type: DataType.INT64 }];
};

function table(): Record<string, ShapeRule> {
  const rules: Record<string, ShapeRule> = { ArgMax: argReduce, ArgMin: argReduce, TopK: topK };
  for (const op of Object.keys(AXES_INPUT_SINCE)) rules[op] = reduce;
  return rules;
}

export const reduceRules: RuleTable = table();
