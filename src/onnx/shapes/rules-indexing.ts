/** Ops driven by index tensors: gathers, scatters, one-hot encodings and NonZero. */
import type { NodeContext } from './context.js';
import { DataType } from '../types.js';
import { formatDims, stridesOf } from './dims.js';
import { gatherCoords, smallEnough } from './fold.js';
import type { RuleTable, ShapeRule } from './types.js';

const gather: ShapeRule = (ctx: NodeContext) => {
  const data = ctx.facts(0);
  const indices = ctx.facts(1);
  const axis = ctx.axis(ctx.int('axis', 0), data.shape.length);
  const dim = data.shape[axis];
  const shape = [...data.shape.slice(0, axis), ...indices.shape, ...data.shape.slice(axis + 1)];
  let value: number[] | undefined;
  if (data.value && indices.value && smallEnough(shape)) {
    const idx = indices.value.map((i) => {
      if (i < -dim || i >= dim) ctx.fail(`index ${i} is out of range for axis ${axis} of length ${dim}`);
      return i < 0 ? i + dim : i;
    });
    const strides = stridesOf(data.shape);
    const q = indices.shape.length;
    const indexStrides = stridesOf(indices.shape);
    value = gatherCoords(shape, (c) => {
      let flatIndex = 0;
      for (let j = 0; j < q; j++) flatIndex += c[axis + j] * indexStrides[j];
      let at = idx[flatIndex] * strides[axis];
      for (let i = 0; i < axis; i++) at += c[i] * strides[i];
      for (let i = axis + 1; i < data.shape.length; i++) at += c[i + q - 1] * strides[i];
      return data.value![at];
    });
  }
  return [{ shape, type: data.type, value }];
};

const gatherElements: ShapeRule = (ctx: NodeContext) => {
  const data = ctx.shape(0);
  const indices = ctx.shape(1);
  if (data.length !== indices.length) ctx.fail(`data ${formatDims(data)} and indices ${formatDims(indices)} differ in rank`);
  ctx.axis(ctx.int('axis', 0), data.length);
  return [{ shape: indices, type: ctx.type(0) }];
};

const gatherND: ShapeRule = (ctx: NodeContext) => {
  const data = ctx.shape(0);
  const indices = ctx.requireRank(1, 1, 'the indices');
  const batch = ctx.int('batch_dims', 0);
  const depth = indices[indices.length - 1];
  if (batch + depth > data.length) ctx.fail(`indices ${formatDims(indices)} index deeper than data ${formatDims(data)}`);
  return [{ shape: [...indices.slice(0, -1), ...data.slice(batch + depth)], type: ctx.type(0) }];
};

const scatter: ShapeRule = (ctx: NodeContext) => [{ shape: ctx.shape(0), type: ctx.type(0) }];

const oneHot: ShapeRule = (ctx: NodeContext) => {
  const indices = ctx.shape(0);
  const depth = Math.trunc(ctx.constant(1, 'depth')[0]);
  if (!(depth > 0)) ctx.fail(`depth ${depth} is not positive`);
  const axis = ctx.axis(ctx.int('axis', -1), indices.length + 1);
  const shape = [...indices];
  shape.splice(axis, 0, depth);
  return [{ shape, type: ctx.type(2) }];
};

const nonZero: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.facts(0);
  if (!x.value) {
    ctx.fail('how many elements are non-zero is only known at run time',
      'convlens needs static shapes: re-export the model without data-dependent ops on this path, or simplify it so the input is a constant.');
  }
  const strides = stridesOf(x.shape);
  const hits = x.value.flatMap((v, i) => (v !== 0 ? [i] : []));
  const shape = [x.shape.length, hits.length];
  // Row r of the result lists coordinate r of every hit.
  const value = smallEnough(shape)
    ? strides.flatMap((s, r) => hits.map((i) => Math.floor(i / s) % x.shape[r]))
    : undefined;
  return [{ shape, type: DataType.INT64, value }];
};

export const indexingRules: RuleTable = {
  Gather: gather,
  GatherElements: gatherElements,
  GatherND: gatherND,
  Scatter: scatter,
  ScatterElements: scatter,
  ScatterND: scatter,
  OneHot: oneHot,
  NonZero: nonZero,
};
