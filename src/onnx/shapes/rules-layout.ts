/** Ops that rearrange elements without computing new ones: reshapes, transposes, broadcasts. */
import type { NodeContext } from './context.js';
import { broadcastShapes, formatDims, product, stridesOf } from './dims.js';
import { broadcastValues, gatherCoords, smallEnough } from './fold.js';
import type { RuleTable, ShapeRule, TensorFacts } from './types.js';

/** Same elements, new dims: a folded value carries over unchanged. */
function reshaped(ctx: NodeContext, shape: number[]): TensorFacts[] {
  const x = ctx.facts(0);
  if (product(shape) !== product(x.shape)) {
    ctx.fail(`cannot reshape ${formatDims(x.shape)} (${product(x.shape)} elements) to ${formatDims(shape)}`,
      'The model probably bakes in an input size: pin the input shape it was exported with.');
  }
  return [{ shape, type: x.type, value: x.value }];
}

const reshape: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.shape(0);
  // Opsets 1-4 carried the target shape as an attribute.
  const target = ctx.has(1) ? ctx.constant(1, 'target shape') : ctx.ints('shape');
  if (!target) ctx.fail('it has no target shape', 'The model is malformed; export it again.');
  const allowZero = ctx.int('allowzero', 0) === 1;
  const shape = target.map((d, i) => {
    if (d === 0 && !allowZero) {
      if (i >= x.length) ctx.fail(`target dim ${i} is 0 (copy) but the input ${formatDims(x)} has no such dim`);
      return x[i];
    }
    return d;
  });
  const inferred = shape.indexOf(-1);
  if (inferred >= 0) {
    if (shape.indexOf(-1, inferred + 1) >= 0) ctx.fail(`target shape ${formatDims(target)} has more than one -1`, 'The model is malformed; export it again.');
    const known = product(shape.filter((_, i) => i !== inferred));
    const total = product(x);
    if (known === 0 || total % known !== 0) {
      ctx.fail(`cannot reshape ${formatDims(x)} to ${formatDims(target)}`,
        'The model probably bakes in an input size: pin the input shape it was exported with.');
    }
    shape[inferred] = total / known;
  }
  if (shape.some((d) => d < 0)) ctx.fail(`target shape ${formatDims(target)} has a negative dim`, 'The model is malformed; export it again.');
  return reshaped(ctx, shape);
};

const flatten: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.shape(0);
  const raw = ctx.int('axis', 1);
  const axis = raw === x.length ? raw : ctx.axis(raw, x.length);
  return reshaped(ctx, [product(x.slice(0, axis)), product(x.slice(axis))]);
};

const squeeze: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.shape(0);
  const given = ctx.listInputOrAttr(1, 'axes', 'axes');
  const axes = given === undefined ? x.flatMap((d, i) => (d === 1 ? [i] : [])) : ctx.axes(given, x.length);
  for (const a of axes) if (x[a] !== 1) ctx.fail(`axis ${a} of ${formatDims(x)} has size ${x[a]}, not 1`);
  return reshaped(ctx, x.filter((_, i) => !axes.includes(i)));
};

const unsqueeze: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.shape(0);
  const given = ctx.listInputOrAttr(1, 'axes', 'axes');
  if (!given) ctx.fail('it has no axes', 'The model is malformed; export it again.');
  const rank = x.length + given.length;
  const axes = ctx.axes(given, rank);
  const shape: number[] = [];
  let next = 0;
  for (let i = 0; i < rank; i++) shape.push(axes.includes(i) ? 1 : x[next++]);
  return reshaped(ctx, shape);
};

const transpose: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.facts(0);
  const rank = x.shape.length;
  const perm = ctx.ints('perm') ?? x.shape.map((_, i) => rank - 1 - i);
  if (perm.length !== rank) ctx.fail(`perm [${perm.join(', ')}] does not match the input rank ${rank}`);
  const axes = ctx.axes(perm, rank, 'perm');
  const shape = axes.map((a) => x.shape[a]);
  let value: number[] | undefined;
  if (x.value && smallEnough(shape)) {
    const strides = stridesOf(x.shape);
    value = gatherCoords(shape, (c) => x.value![c.reduce((idx, ci, i) => idx + ci * strides[axes[i]], 0)]);
  }
  return [{ shape, type: x.type, value }];
};

const expand: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.facts(0);
  const target = ctx.constant(1, 'target shape');
  const shape = broadcastShapes([x.shape, target]);
  if (typeof shape === 'string') ctx.fail(shape);
  const value = x.value && smallEnough(shape) ? broadcastValues(x.value, x.shape, shape) : undefined;
  return [{ shape, type: x.type, value }];
};

const tile: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.facts(0);
  const repeats = ctx.constant(1, 'repeats');
  if (repeats.length !== x.shape.length) ctx.fail(`repeats [${repeats.join(', ')}] do not match the input rank ${x.shape.length}`);
  const shape = x.shape.map((d, i) => d * repeats[i]);
  let value: number[] | undefined;
  if (x.value && smallEnough(shape)) {
    const strides = stridesOf(x.shape);
    value = gatherCoords(shape, (c) => x.value![c.reduce((idx, ci, i) => idx + (ci % x.shape[i]) * strides[i], 0)]);
  }
  return [{ shape, type: x.type, value }];
};

const depthToSpace: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.shape(0);
  const b = ctx.int('blocksize', 0);
  if (x.length !== 4 || b <= 0 || x[1] % (b * b) !== 0) ctx.fail(`input ${formatDims(x)} cannot be rearranged with blocksize ${b}`);
  return [{ shape: [x[0], x[1] / (b * b), x[2] * b, x[3] * b], type: ctx.type(0) }];
};

const spaceToDepth: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.shape(0);
  const b = ctx.int('blocksize', 0);
  if (x.length !== 4 || b <= 0 || x[2] % b !== 0 || x[3] % b !== 0) ctx.fail(`input ${formatDims(x)} cannot be rearranged with blocksize ${b}`);
  return [{ shape: [x[0], x[1] * b * b, x[2] / b, x[3] / b], type: ctx.type(0) }];
};

export const layoutRules: RuleTable = {
  Reshape: reshape,
  Flatten: flatten,
  Squeeze: squeeze,
  Unsqueeze: unsqueeze,
  Transpose: transpose,
  Expand: expand,
  Tile: tile,
  DepthToSpace: depthToSpace,
  SpaceToDepth: spaceToDepth,
};
