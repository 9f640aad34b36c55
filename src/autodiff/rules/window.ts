/**
 * Geometry of sliding-window ops (Conv, pooling) resolved against the static shapes of one
 * node, and the ConvTranspose attributes that scatter window-shaped gradients back onto the
 * input. Shape inference already fixed the output size (ceil_mode included), so only the
 * leading padding has to be derived from the attributes here.
 */
import type { OnnxNode } from '../../onnx/types.js';
import { axisPadding, windowAttributes, windowSpan } from '../../onnx/window.js';
import type { AttrInput } from '../builder.js';

export interface WindowAxis {
  kernel: number;
  stride: number;
  dilation: number;
  input: number;
  output: number;
  /** Padding before the input. */
  begin: number;
  /** Padding after the input as declared (pads or SAME); AveragePool counts it as window cells. */
  declaredEnd: number;
  /**
   * How far the last window reaches past the input end: positive when it reads padding
   * (declared or ceil_mode overhang), negative when trailing input rows are never read.
   */
  reach: number;
}

/** Resolves each spatial axis of a window op with input shape `x` and output shape `y`. */
export function windowAxes(node: OnnxNode, x: number[], y: number[], kernel: number[], pooling: boolean): WindowAxis[] {
  const w = windowAttributes(node, kernel);
  return kernel.map((k, i) => {
    const input = x[i + 2];
    const output = y[i + 2];
    const stride = w.strides[i];
    const span = windowSpan(w, i);
    const { begin, end: declaredEnd } = axisPadding(w, i, input, pooling);
    const reach = (output - 1) * stride + span - begin - input;
    return { kernel: k, stride, dilation: w.dilations[i], input, output, begin, declaredEnd, reach };
  });
}

/**
 * Attributes of the ConvTranspose that is the adjoint of the forward window: output
 * position o of kernel cell i lands on input position o*stride + i*dilation - begin.
 * Rows the windows never read come back as output_padding (always < stride). Where it
 * can, the crop after the input end is written as padding equal to the one before plus
 * output_padding: onnxruntime-web's WebGPU ConvTranspose returns wrong values for unequal
 * begin and end pads (a stride-2 3 x 3 layer with pads 1 on an even input has [1, 0]).
 */
export function scatterAttrs(axes: WindowAxis[]): Record<string, AttrInput | undefined> {
  const begins = axes.map((a) => a.begin);
  const ends = axes.map((a) => Math.max(0, a.reach));
  const leftover = axes.map((a) => Math.max(0, -a.reach));
  const balanced = axes.map((a, i) => leftover[i] + begins[i] - ends[i]);
  const even = balanced.every((p, i) => p >= 0 && p < Math.max(axes[i].stride, axes[i].dilation));
  const [pads, padding] = even ? [[...begins, ...begins], balanced] : [[...begins, ...ends], leftover];
  return {
    strides: axes.map((a) => a.stride),
    dilations: axes.map((a) => a.dilation),
    pads,
    output_padding: padding.some((p) => p > 0) ? padding : undefined,
  };
}
