/**
 * Sliding-window geometry of Conv, ConvTranspose and pooling nodes, as onnxruntime computes it:
 * shape inference sizes outputs with it, and the gradient rules place windows with it.
 */
import { ConvlensError } from '../errors.js';
import { attrInts, attrString, type BadAttribute } from './attributes.js';
import type { OnnxNode } from './types.js';

/** The window attributes of a node, every per-axis list filled in. */
export interface WindowAttributes {
  kernel: number[];
  strides: number[];
  dilations: number[];
  /** Declared padding: the begin of every spatial axis, then the end of every axis. */
  pads: number[];
  autoPad: 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';
}

/** Reports a malformed window attribute; `detail` says what is wrong. */
export type WindowFault = (detail: string) => never;

function malformed(node: OnnxNode): WindowFault {
  return (detail) => {
    throw new ConvlensError('MODEL_UNREADABLE', `Node "${node.name}" (${node.opType}): ${detail}. The model is malformed; export it again.`);
  };
}

const autoPads: readonly string[] = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];

/** A per-axis list attribute of `n` values, or `fallback` on every axis when absent or empty. */
export function perAxis(node: OnnxNode, name: string, n: number, fallback: number, fault = malformed(node), bad?: BadAttribute): number[] {
  const v = attrInts(node, name, bad);
  if (v === undefined || v.length === 0) return new Array<number>(n).fill(fallback);
  if (v.length !== n) fault(`attribute "${name}" has ${v.length} values but the op has ${n / (name === 'pads' ? 2 : 1)} spatial axes`);
  return v;
}

/**
 * Reads the strides, dilations, pads and auto_pad of a window op with `kernel`.
 *
 * @example
 * const w = windowAttributes(node, [3, 3]);
 * axisPadding(w, 0, 224, false); // { begin: 1, end: 1 } for a 3 x 3 convolution with pads 1
 */
export function windowAttributes(node: OnnxNode, kernel: number[], fault = malformed(node), bad?: BadAttribute): WindowAttributes {
  const n = kernel.length;
  const autoPad = attrString(node, 'auto_pad', 'NOTSET', bad);
  if (!autoPads.includes(autoPad)) fault(`auto_pad "${autoPad}" is not one of ${autoPads.join(', ')}`);
  return {
    kernel,
    strides: perAxis(node, 'strides', n, 1, fault, bad),
    dilations: perAxis(node, 'dilations', n, 1, fault, bad),
    pads: perAxis(node, 'pads', 2 * n, 0, fault, bad),
    autoPad: autoPad as WindowAttributes['autoPad'],
  };
}

/** Extent of the dilated kernel along axis `i`. */
export function windowSpan(w: WindowAttributes, i: number): number {
  return w.dilations[i] * (w.kernel[i] - 1) + 1;
}

/**
 * Padding before and after spatial axis `i` of an input of length `input`. SAME padding is
 * sized as onnxruntime does: from the dilated kernel for convolution, the undilated one for
 * pooling (which differ only for dilated SAME pooling).
 */
export function axisPadding(w: WindowAttributes, i: number, input: number, pooling: boolean): { begin: number; end: number } {
  if (w.autoPad === 'VALID') return { begin: 0, end: 0 };
  if (w.autoPad === 'NOTSET') return { begin: w.pads[i], end: w.pads[i + w.kernel.length] };
  const stride = w.strides[i];
  const needed = Math.max(0, (Math.ceil(input / stride) - 1) * stride + (pooling ? w.kernel[i] : windowSpan(w, i)) - input);
  const begin = w.autoPad === 'SAME_UPPER' ? Math.floor(needed / 2) : Math.ceil(needed / 2);
  return { begin, end: needed - begin };
}
