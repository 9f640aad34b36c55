/**
 * Conv (any number of spatial axes, grouped and depthwise, optional bias). The input
 * gradient is the transposed convolution of gy, a plain Conv where the stride is 1
 * (conv-input-gradient.ts); the weight gradient is itself a convolution, of the
 * input by gy, with the roles of stride and dilation swapped.
 */
import type { VjpContext, VjpEntry } from '../vjp.js';
import { attrInt, attrInts } from '../../onnx/attributes.js';
import { optionalInput } from '../vjp.js';
import { intoBlockedLayout } from './blocked-layout.js';
import { inputGradientAsConv } from './conv-input-gradient.js';
import { scatterAttrs, windowAxes, type WindowAxis } from './window.js';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * dW[g*Co+o, c, k] = sum over n and output positions p of gy[n, g*Co+o, p] * xpad[n, g*Ci+c, p*stride + k*dilation].
 * Moving the batch into the channel axis turns this into one grouped Conv: input
 * [Ci, G*N, ...] (channel c, group g), weight [G*Co, N, ...out] (gy), stride = forward
 * dilation, dilation = forward stride; its [Ci, G*Co, ...k] result is transposed back.
 */
function weightGradient(ctx: VjpContext, axes: WindowAxis[], group: number): string {
  const { node, b } = ctx;
  const x = node.inputs[0];
  const [n, c, ...spatial] = ctx.shape(x);
  const [cout, ci] = ctx.shape(node.inputs[1]);
  const co = cout / group;
  const outSpatial = axes.map((a) => a.output);
  const rest = range(3, 3 + spatial.length);
  const xg = b.reshape(b.transpose(b.reshape(x, [n, group, c / group, ...spatial]), [2, 1, 0, ...rest]), [ci, group * n, ...spatial]);
  const gyg = b.reshape(b.transpose(b.reshape(ctx.gy[0]!, [n, group, co, ...outSpatial]), [1, 2, 0, ...rest]), [cout, n, ...outSpatial]);
  const dw = b.conv('Conv', [xg, gyg], outSpatial, {
    group,
    strides: axes.map((a) => a.dilation),
    dilations: axes.map((a) => a.stride),
    pads: [...axes.map((a) => a.begin), ...axes.map((a) => Math.max(0, a.reach))],
  });
  // Input rows no forward window read (negative reach) produce extra trailing kernel taps.
  const taps = axes.map((a) => Math.floor((a.input + a.begin + Math.max(0, a.reach) - (a.output - 1) * a.stride - 1) / a.dilation) + 1);
  const exact = taps.some((t, i) => t !== axes[i].kernel)
    ? b.slice(dw, axes.map(() => 0), axes.map((a) => a.kernel), range(2, 2 + axes.length))
    : dw;
  return b.transpose(exact, [1, 0, ...range(2, 2 + axes.length)]);
}

export const convRules: Record<string, VjpEntry> = {
  Conv: {
    rule: (ctx) => {
      const { node, b } = ctx;
      const [x, w] = node.inputs;
      const gy = ctx.gy[0]!;
      const xShape = ctx.shape(x);
      const kernel = attrInts(node, 'kernel_shape') ?? ctx.shape(w).slice(2);
      const axes = windowAxes(node, xShape, ctx.shape(node.outputs[0]), kernel, false);
      const group = attrInt(node, 'group', 1);
      const dx = ctx.needs(0)
        ? (inputGradientAsConv(ctx, axes, group) ?? intoBlockedLayout(ctx, b.conv('ConvTranspose', [gy, w], kernel, { ...scatterAttrs(axes), group }), xShape))
        : undefined;
      const dw = ctx.needs(1) ? weightGradient(ctx, axes, group) : undefined;
      const db = optionalInput(node, 2) && ctx.needs(2) ? b.reduceSum(gy, [0, ...range(2, xShape.length)], false) : undefined;
      return [dx, dw, db];
    },
  },
};
