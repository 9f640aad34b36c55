/**
 * Geometry of sliding-window ops (Conv, pooling) resolved against the static shapes of one
 * node, and the ConvTranspose attributes that scatter window-shaped gradients back onto the
 * input. Shape inference already fixed the output size (ceil_mode included), so only the
 * leading padding has to be derived from the attributes here.
 */
import type { OnnxNode } from '../../onnx/types.js';
import type { AttrInput } from '../builder.js';
import { attrInts, attrString } from '../vjp.js';

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

function perAxis(node: OnnxNode, name: string, n: number, fallback: number): number[] {
  const v = attrInts(node, name);
  return v && v.length > 0 ? v : new Array<number>(n).fill(fallback);
}

/**
 * Resolves each spatial axis of a window op with input shape `x` and output shape `y`.
 * SAME padding is sized as onnxruntime does: from the dilated kernel for convolution, the
 * undilated one for pooling.
 */
export function windowAxes(node: OnnxNode, x: number[], y: number[], kernel: number[], pooling: boolean): WindowAxis[] {
  const n = kernel.length;
  const strides = perAxis(node, 'strides', n, 1);
  const dilations = perAxis(node, 'dilations', n, 1);
  const pads = perAxis(node, 'pads', 2 * n, 0);
  const autoPad = attrString(node, 'auto_pad', 'NOTSET');
  return kernel.map((k, i) => {
    const input = x[i + 2];
    const output = y[i + 2];
    const stride = strides[i];
    const dilation = dilations[i];
    const span = dilation * (k - 1) + 1;
    let begin = pads[i];
    let declaredEnd = pads[i + n];
    if (autoPad === 'VALID') {
      begin = 0;
      declaredEnd = 0;
    } else if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
      const needed = Math.max(0, (Math.ceil(input / stride) - 1) * stride + (pooling ? k : span) - input);
      begin = autoPad === 'SAME_UPPER' ? Math.floor(needed / 2) : Math.ceil(needed / 2);
      declaredEnd = needed - begin;
    }
    const reach = (output - 1) * stride + span - begin - input;
    return { kernel: k, stride, dilation, input, output, begin, declaredEnd, reach };
  });
}

/**
 * Attributes of the ConvTranspose that is the adjoint of the forward window: output
 * position o of kernel cell i lands on input position o*stride + i*dilation - begin.
 * Rows the windows never read come back as output_padding (always < stride).
 */
export function scatterAttrs(axes: WindowAxis[]): Record<string, AttrInput | undefined> {
  const leftover = axes.map((a) => Math.max(0, -a.reach));
  return {
    strides: axes.map((a) => a.stride),
    dilations: axes.map((a) => a.dilation),
    pads: [...axes.map((a) => a.begin), ...axes.map((a) => Math.max(0, a.reach))],
    output_padding: leftover.some((p) => p > 0) ? leftover : undefined,
  };
}
