/** Resize and its predecessor Upsample: output sizes from scales or explicit sizes. */
import type { NodeContext } from './context.js';
import { formatDims } from './dims.js';
import { castNumber } from './fold.js';
import { DataType } from '../types.js';
import type { RuleTable, ShapeRule } from './types.js';

/** onnxruntime multiplies in float32 and truncates, so e.g. 7 × 0.3333 gives 2. */
function scaled(dim: number, scale: number): number {
  return Math.floor(castNumber(castNumber(scale, DataType.FLOAT) * dim, DataType.FLOAT));
}

function fromScales(ctx: NodeContext, x: number[], scales: number[], axes: number[]): number[] {
  if (scales.length !== axes.length) ctx.fail(`scales [${scales.join(', ')}] do not match the input ${formatDims(x)}`);
  if (scales.some((s) => !(s > 0))) ctx.fail(`scales [${scales.join(', ')}] must be positive`, 'The model is malformed; export it again.');
  const shape = [...x];
  axes.forEach((a, i) => { shape[a] = scaled(x[a], scales[i]); });
  return shape;
}

/** Opset 18 can keep the aspect ratio by scaling every resized axis by one common factor. */
function fromSizes(ctx: NodeContext, x: number[], sizes: number[], axes: number[]): number[] {
  if (sizes.length !== axes.length) ctx.fail(`sizes [${sizes.join(', ')}] do not match the input ${formatDims(x)}`);
  const shape = [...x];
  const policy = ctx.string('keep_aspect_ratio_policy', 'stretch');
  if (policy === 'stretch') {
    axes.forEach((a, i) => { shape[a] = sizes[i]; });
    return shape;
  }
  const ratios = axes.map((a, i) => sizes[i] / x[a]);
  const scale = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
  axes.forEach((a) => { shape[a] = Math.floor(scale * x[a] + 0.5); });
  return shape;
}

const resize: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.shape(0);
  const axes = ctx.axes(ctx.ints('axes') ?? x.map((_, i) => i), x.length);
  let shape: number[];
  if (ctx.opset < 11) {
    shape = fromScales(ctx, x, ctx.constant(1, 'scales'), axes);
  } else {
    // From opset 11 exactly one of scales (input 2) and sizes (input 3) is non-empty.
    const sizes = ctx.has(3) ? ctx.constant(3, 'sizes') : [];
    if (sizes.length > 0) {
      shape = fromSizes(ctx, x, sizes, axes);
    } else {
      const scales = ctx.has(2) ? ctx.constant(2, 'scales') : [];
      if (scales.length === 0) ctx.fail('neither scales nor sizes is given', 'The model is malformed; export it again.');
      shape = fromScales(ctx, x, scales, axes);
    }
  }
  return [{ shape, type: ctx.type(0) }];
};

const upsample: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.shape(0);
  // Scales moved from an attribute to input 1 in opset 9.
  const scales = ctx.has(1) ? ctx.constant(1, 'scales') : ctx.floats('scales');
  if (!scales) ctx.fail('it has no scales', 'The model is malformed; export it again.');
  return [{ shape: fromScales(ctx, x, scales, x.map((_, i) => i)), type: ctx.type(0) }];
};

export const resizeRules: RuleTable = { Resize: resize, Upsample: upsample };
