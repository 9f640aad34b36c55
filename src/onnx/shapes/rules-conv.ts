/** Sliding-window ops: convolutions and pooling, following onnxruntime's output-size arithmetic. */
import { DataType } from '../types.js';
import { axisPadding, perAxis, windowAttributes, windowSpan, type WindowAttributes } from '../window.js';
import type { NodeContext } from './context.js';
import { formatDims, product } from './dims.js';
import type { RuleTable, ShapeRule } from './types.js';

const windowOf = (ctx: NodeContext, kernel: number[]) => windowAttributes(ctx.node, kernel, ctx.malformed, ctx.badAttr);

/** Output length of a forward window along one axis, with the padding `axisPadding` gives it. */
function windowOutput(ctx: NodeContext, w: WindowAttributes, axis: number, input: number, ceilMode: boolean, pooling: boolean): number {
  const stride = w.strides[axis];
  const span = windowSpan(w, axis);
  const pad = axisPadding(w, axis, input, pooling);
  const padded = input + pad.begin + pad.end;
  const free = padded - span;
  if (free < 0) {
    ctx.fail(`the window (kernel ${w.kernel[axis]}, dilation ${w.dilations[axis]}) is larger than spatial axis ${axis} of length ${input} plus padding`,
      'Use a larger input size.');
  }
  let out = (ceilMode ? Math.ceil(free / stride) : Math.floor(free / stride)) + 1;
  // A window that would start entirely in the end padding is dropped (ONNX ceil_mode rule).
  if (ceilMode && (out - 1) * stride >= input + (w.autoPad === 'NOTSET' ? pad.begin : 0)) out--;
  return out;
}

const conv: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.requireRank(0, 3, 'the input');
  const wShape = ctx.requireRank(1, 3, 'the weight');
  const group = ctx.int('group', 1);
  if (wShape.length !== x.length) ctx.fail(`weight ${formatDims(wShape)} and input ${formatDims(x)} have different ranks`);
  if (wShape[1] * group !== x[1]) {
    ctx.fail(`the input has ${x[1]} channels but the weight ${formatDims(wShape)} with group=${group} expects ${wShape[1] * group}`,
      'Check that the pinned input shape has the channel count the model was trained with.');
  }
  const kernel = ctx.ints('kernel_shape') ?? wShape.slice(2);
  const w = windowOf(ctx, kernel);
  const spatial = x.slice(2).map((d, i) => windowOutput(ctx, w, i, d, false, false));
  return [{ shape: [x[0], wShape[0], ...spatial], type: ctx.type(0) }];
};

const convTranspose: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.requireRank(0, 3, 'the input');
  const wShape = ctx.requireRank(1, 3, 'the weight');
  const group = ctx.int('group', 1);
  if (wShape[0] !== x[1]) ctx.fail(`the input has ${x[1]} channels but the weight ${formatDims(wShape)} expects ${wShape[0]}`);
  const kernel = ctx.ints('kernel_shape') ?? wShape.slice(2);
  const w = windowOf(ctx, kernel);
  const n = kernel.length;
  const adjust = perAxis(ctx.node, 'output_padding', n, 0, ctx.malformed, ctx.badAttr);
  const requested = ctx.ints('output_shape');
  const spatial = x.slice(2).map((input, i) => {
    // output_shape may list only the spatial dims or all of them.
    if (requested && requested.length > 0) return requested[requested.length - n + i];
    const full = w.strides[i] * (input - 1) + adjust[i] + w.dilations[i] * (kernel[i] - 1) + 1;
    if (w.autoPad === 'SAME_UPPER' || w.autoPad === 'SAME_LOWER') return Math.min(full, input * w.strides[i]);
    if (w.autoPad === 'VALID') return full;
    return full - w.pads[i] - w.pads[i + n];
  });
  return [{ shape: [x[0], wShape[1] * group, ...spatial], type: ctx.type(0) }];
};

function pool(withIndices: boolean): ShapeRule {
  return (ctx: NodeContext) => {
    const x = ctx.requireRank(0, 3, 'the input');
    const kernel = ctx.ints('kernel_shape');
    if (!kernel || kernel.length !== x.length - 2) {
      ctx.fail(`kernel_shape ${kernel ? formatDims(kernel) : 'is missing and'} does not match the input ${formatDims(x)}`, 'The model is malformed; export it again.');
    }
    const w = windowOf(ctx, kernel);
    const ceilMode = ctx.int('ceil_mode', 0) === 1;
    const shape = [x[0], x[1], ...x.slice(2).map((d, i) => windowOutput(ctx, w, i, d, ceilMode, true))];
    const out = [{ shape, type: ctx.type(0) }];
    if (withIndices) out.push({ shape, type: DataType.INT64 });
    return out;
  };
}

const globalPool: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.requireRank(0, 3, 'the input');
  return [{ shape: [x[0], x[1], ...x.slice(2).map(() => 1)], type: ctx.type(0) }];
};

const col2im: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.requireRank(0, 3, 'the input');
  const image = ctx.constant(1, 'image shape');
  const block = ctx.constant(2, 'block shape');
  const blockSize = product(block);
  if (blockSize === 0 || x[1] % blockSize !== 0) ctx.fail(`input channels ${x[1]} are not a multiple of the block size ${blockSize}`);
  return [{ shape: [x[0], x[1] / blockSize, ...image], type: ctx.type(0) }];
};

export const convRules: RuleTable = {
  Conv: conv,
  ConvTranspose: convTranspose,
  MaxPool: pool(true),
  AveragePool: pool(false),
  LpPool: pool(false),
  GlobalAveragePool: globalPool,
  GlobalMaxPool: globalPool,
  GlobalLpPool: globalPool,
  Col2Im: col2im,
};
