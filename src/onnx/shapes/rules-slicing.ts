/** Ops that cut tensors apart or join them: Slice, Split, Concat, Pad. */
import type { NodeContext } from './context.js';
import { formatDims, stridesOf } from './dims.js';
import { gatherCoords, smallEnough } from './fold.js';
import type { RuleTable, ShapeRule, TensorFacts } from './types.js';
import { sliceAxis, type AxisRange } from '../slice-range.js';

function cut(x: TensorFacts, ranges: AxisRange[]): TensorFacts {
  const shape = ranges.map((r) => r.count);
  let value: number[] | undefined;
  if (x.value && smallEnough(shape)) {
    const strides = stridesOf(x.shape);
    value = gatherCoords(shape, (c) => x.value![c.reduce((idx, ci, i) => idx + (ranges[i].start + ci * ranges[i].step) * strides[i], 0)]);
  }
  return { shape, type: x.type, value };
}

function whole(dims: readonly number[]): AxisRange[] {
  return dims.map((d) => ({ start: 0, step: 1, count: d }));
}

const slice: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.facts(0);
  const rank = x.shape.length;
  // Opset 10 turned starts/ends/axes attributes into inputs and added steps.
  const starts = ctx.listInputOrAttr(1, 'starts', 'starts');
  const ends = ctx.listInputOrAttr(2, 'ends', 'ends');
  if (!starts || !ends || starts.length !== ends.length) ctx.fail('starts and ends are missing or differ in length', 'The model is malformed; export it again.');
  const axes = ctx.axes(ctx.listInputOrAttr(3, 'axes', 'axes') ?? starts.map((_, i) => i), rank);
  const steps = ctx.has(4) ? ctx.constant(4, 'steps') : starts.map(() => 1);
  if (axes.length !== starts.length || steps.length !== starts.length) ctx.fail('starts, ends, axes and steps differ in length', 'The model is malformed; export it again.');
  const ranges = whole(x.shape);
  axes.forEach((a, i) => {
    if (steps[i] === 0) ctx.fail(`step for axis ${a} is 0`, 'The model is malformed; export it again.');
    ranges[a] = sliceAxis(x.shape[a], starts[i], ends[i], steps[i]);
  });
  return [cut(x, ranges)];
};

function splitSizes(ctx: NodeContext, dim: number, outputs: number): number[] {
  // Sizes moved from an attribute to input 1 in opset 13; opset 18 added num_outputs for uneven chunks.
  const given = ctx.listInputOrAttr(1, 'split', 'split sizes');
  if (given && given.length > 0) {
    if (given.length !== outputs) ctx.fail(`split sizes [${given.join(', ')}] do not match its ${outputs} outputs`, 'The model is malformed; export it again.');
    if (given.reduce((s, d) => s + d, 0) !== dim) ctx.fail(`split sizes [${given.join(', ')}] do not add up to the axis length ${dim}`);
    return given;
  }
  const n = ctx.int('num_outputs', 0) || outputs;
  if (dim % n === 0) return new Array<number>(n).fill(dim / n);
  if (ctx.attr('num_outputs') === undefined) ctx.fail(`axis length ${dim} is not divisible into ${n} equal parts`);
  const chunk = Math.ceil(dim / n);
  const sizes = new Array<number>(n).fill(chunk);
  sizes[n - 1] = dim - chunk * (n - 1);
  if (sizes[n - 1] < 0) ctx.fail(`axis length ${dim} cannot be split into ${n} chunks of ${chunk}`);
  return sizes;
}

const split: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.facts(0);
  const axis = ctx.axis(ctx.int('axis', 0), x.shape.length);
  const sizes = splitSizes(ctx, x.shape[axis], ctx.node.outputs.length);
  let offset = 0;
  return sizes.map((size) => {
    const ranges = whole(x.shape);
    ranges[axis] = { start: offset, step: 1, count: size };
    offset += size;
    return cut(x, ranges);
  });
};

const concat: ShapeRule = (ctx: NodeContext) => {
  const parts = ctx.node.inputs.map((_, i) => ctx.facts(i));
  if (parts.length === 0) ctx.fail('it has no inputs', 'The model is malformed; export it again.');
  const first = parts[0].shape;
  const axis = ctx.axis(ctx.int('axis', 0), first.length);
  for (const p of parts) {
    if (p.shape.length !== first.length || p.shape.some((d, i) => i !== axis && d !== first[i])) {
      ctx.fail(`input shapes ${parts.map((q) => formatDims(q.shape)).join(', ')} differ off the concatenation axis ${axis}`);
    }
  }
  const shape = [...first];
  shape[axis] = parts.reduce((s, p) => s + p.shape[axis], 0);
  let value: number[] | undefined;
  if (parts.every((p) => p.value) && smallEnough(shape)) {
    const owner: number[] = [];
    const local: number[] = [];
    parts.forEach((p, k) => { for (let j = 0; j < p.shape[axis]; j++) { owner.push(k); local.push(j); } });
    const strides = parts.map((p) => stridesOf(p.shape));
    value = gatherCoords(shape, (c) => {
      const k = owner[c[axis]];
      const idx = c.reduce((acc, ci, i) => acc + (i === axis ? local[ci] : ci) * strides[k][i], 0);
      return parts[k].value![idx];
    });
  }
  return [{ shape, type: parts[0].type, value }];
};

const pad: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.shape(0);
  const rank = x.length;
  // Opset 11 moved pads from an attribute ("paddings" in opset 1) to an input; opset 18 added axes.
  const pads = ctx.has(1) ? ctx.constant(1, 'pads') : (ctx.ints('pads') ?? ctx.ints('paddings'));
  if (!pads) ctx.fail('it has no pads', 'The model is malformed; export it again.');
  const axes = ctx.has(3) ? ctx.axes(ctx.constant(3, 'axes'), rank) : x.map((_, i) => i);
  if (pads.length !== 2 * axes.length) ctx.fail(`pads [${pads.join(', ')}] need 2 values per padded axis (${axes.length} axes)`, 'The model is malformed; export it again.');
  const shape = [...x];
  axes.forEach((a, i) => { shape[a] += pads[i] + pads[i + axes.length]; });
  if (shape.some((d) => d < 0)) ctx.fail(`negative pads [${pads.join(', ')}] crop ${formatDims(x)} below zero`);
  return [{ shape, type: ctx.type(0) }];
};

export const slicingRules: RuleTable = { Slice: slice, Split: split, Concat: concat, Pad: pad };
