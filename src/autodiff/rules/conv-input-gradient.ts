/**
 * The input gradient of a stride-1 Conv as a Conv: the transposed convolution of gy is then
 * the convolution of gy by the spatially flipped kernel with its channel axes swapped in
 * each group. onnxruntime's CPU kernels run it several times faster than ConvTranspose
 * for grouped and depthwise layers, and fold the flip of a constant weight when they load
 * the graph. (With stride s the transposed convolution splits into s x s phase
 * convolutions interleaved by DepthToSpace. Measured with onnxruntime 1.30 on ResNet-50's
 * 3 x 3 and 7 x 7 strided layers, MobileNetV3's strided depthwise layers and MaxPool, as one
 * Conv of zero-padded phase kernels or as s x s exact Convs and a Concat, it was slower
 * than ConvTranspose: DepthToSpace and the crop leave the blocked layout. So dense strided
 * layers keep ConvTranspose, except unpadded 1 x 1 ones, which need no phases. Strided
 * depthwise layers spread gy out with zeros and convolve it with stride 1: four times the
 * products of ConvTranspose at stride 2, in a kernel that runs them far faster. MobileNetV3's
 * vanilla saliency graph went from 3.55x to 3.26x a plain forward pass (2 threads, batch 8,
 * interleaved; CPU time 3.74x to 3.15x). The same for dense strided layers made ResNet-50's
 * saliency graph slower, 2.29x to 3.08x in CPU time on one thread: a dense kernel pays
 * fully for the four times as many products.)
 */
import type { VjpContext } from '../vjp.js';
import { intoBlockedLayout } from './blocked-layout.js';
import { scatterAttrs, type WindowAxis } from './window.js';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

/** The kernel `[Cout, Cin/G, ...k]` as `[Cin, Cout/G, ...k]`, input and output channels swapped per group. */
function swapChannelsPerGroup(ctx: VjpContext, w: string, group: number): string {
  const { b } = ctx;
  const [cout, cig, ...k] = ctx.shape(w);
  const spatial = range(2, 2 + k.length);
  if (group === 1) return b.transpose(w, [1, 0, ...spatial]);
  const grouped = b.reshape(w, [group, cout / group, cig, ...k]);
  return b.reshape(b.transpose(grouped, [0, 2, 1, ...range(3, 3 + k.length)]), [group * cig, cout / group, ...k]);
}

/**
 * dx of an unpadded 1 x 1 convolution with stride s: the 1 x 1 convolution of gy by the
 * channel-swapped kernel lands on every s-th input position and the rest is zero. The
 * dense product is one Conv; spreading it out is a depthwise 1 x 1 ConvTranspose by ones
 * (a copy per element, no products to sum), which onnxruntime runs several times faster
 * than zero padding of a [.., h, 1, w, 1] view, and far faster than the full
 * ConvTranspose that would multiply through a column buffer.
 */
function pointwiseStridedGradient(ctx: VjpContext, axes: WindowAxis[], group: number): string {
  const { node, b } = ctx;
  const dense = b.conv('Conv', [ctx.gy[0]!, swapChannelsPerGroup(ctx, node.inputs[1], group)], axes.map(() => 1), { group });
  const xShape = ctx.shape(node.inputs[0]);
  const cin = xShape[1];
  const ones = b.constF(new Float32Array(cin).fill(1), [cin, 1, ...axes.map(() => 1)]);
  const spread = b.conv('ConvTranspose', [dense, ones], axes.map(() => 1), { ...scatterAttrs(axes), group: cin });
  return intoBlockedLayout(ctx, spread, xShape);
}

/**
 * gy of a strided depthwise Conv (one input channel per group) with zeros between its
 * values: a depthwise 1 x 1 ConvTranspose by ones, of length (output - 1) * stride + 1 per
 * axis. A stride-1 Conv of it is then the input gradient, run by onnxruntime's blocked
 * depthwise kernel instead of ConvTranspose, which multiplies each channel through its own
 * column buffer.
 */
function spreadStridedGradient(ctx: VjpContext, axes: WindowAxis[]): string {
  const { b } = ctx;
  const cout = ctx.shape(ctx.node.inputs[1])[0];
  const ones = b.constF(new Float32Array(cout).fill(1), [cout, 1, ...axes.map(() => 1)]);
  return b.conv('ConvTranspose', [ctx.gy[0]!, ones], axes.map(() => 1), { strides: axes.map((a) => a.stride), group: cout });
}

/** dx as Conv, or undefined for dense strided layers wider than 1 x 1 and paddings wider than the kernel (ConvTranspose then). */
export function inputGradientAsConv(ctx: VjpContext, axes: WindowAxis[], group: number): string | undefined {
  const { node, b } = ctx;
  if (axes.every((a) => a.kernel === 1 && a.begin === 0 && a.reach <= 0) && axes.some((a) => a.stride > 1)) {
    return pointwiseStridedGradient(ctx, axes, group);
  }
  const strided = axes.some((a) => a.stride !== 1);
  // Spread out, gy covers (output - 1) * stride + 1 input rows from the first window's start.
  const covered = axes.map((a) => (a.output - 1) * a.stride + 1);
  const spans = axes.map((a) => a.dilation * (a.kernel - 1) + 1);
  const begins = axes.map((a, i) => spans[i] - 1 - a.begin);
  const ends = axes.map((a, i) => a.input - covered[i] - begins[i] + spans[i] - 1);
  const depthwise = ctx.shape(node.inputs[1])[1] === 1;
  if ((strided && !depthwise) || [...begins, ...ends].some((p) => p < 0)) return undefined;
  const spatial = range(2, 2 + axes.length);
  const w = swapChannelsPerGroup(ctx, node.inputs[1], group);
  const flipped = b.slice(w, axes.map(() => -1), axes.map((a) => -a.kernel - 1), spatial, axes.map(() => -1));
  const gy = strided ? spreadStridedGradient(ctx, axes) : ctx.gy[0]!;
  return b.conv('Conv', [gy, flipped], axes.map((a) => a.kernel), { dilations: axes.map((a) => a.dilation), pads: [...begins, ...ends], group });
}
