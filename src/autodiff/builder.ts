/**
 * Emits new ONNX nodes and constants into a graph variant. VJP rules speak through it so
 * that every node they add is valid for the model's opset (several ops moved attributes to
 * inputs between opsets 10 and 18).
 */
import type { Attribute, OnnxNode, Tensor } from '../onnx/types.js';
import { DataType } from '../onnx/types.js';
import { float32Tensor, int64Tensor, numbersTensor } from '../onnx/tensor.js';

export type AttrInput = Attribute | number | number[] | string;

export const int = (value: number): Attribute => ({ kind: 'int', value });
export const ints = (value: number[]): Attribute => ({ kind: 'ints', value });
export const float = (value: number): Attribute => ({ kind: 'float', value });
export const floats = (value: number[]): Attribute => ({ kind: 'floats', value });

function toAttribute(v: AttrInput): Attribute {
  if (typeof v === 'number') return Number.isInteger(v) ? int(v) : float(v);
  if (typeof v === 'string') return { kind: 'string', value: v };
  if (Array.isArray(v)) return ints(v);
  return v;
}

export class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers = new Map<string, Tensor>();
  /**
   * Tensors that repeat a smaller one over every spatial position (a global pooling's
   * gradient), by name, with the tensor they repeat: their spatial means are that tensor.
   */
  readonly spatialRepeats = new Map<string, string>();
  private counter = 0;
  private readonly constCache = new Map<string, string>();

  /**
   * @param opset default-domain opset of the model the nodes go into
   * @param prefix namespace for generated names, chosen not to clash with the model's
   * @param shapeOf static shape of any tensor of the forward graph
   */
  constructor(readonly opset: number, readonly prefix: string, readonly shapeOf: (name: string) => number[]) {}

  fresh(hint: string): string {
    return `${this.prefix}/${hint}_${this.counter++}`;
  }

  /** Adds a node; returns its output names (`outputs` fresh outputs, or the names given). */
  node(opType: string, inputs: string[], attrs: Record<string, AttrInput | undefined> = {}, outputs: number | string[] = 1): string[] {
    const outs = typeof outputs === 'number' ? Array.from({ length: outputs }, () => this.fresh(opType)) : outputs;
    const attributes: Record<string, Attribute> = {};
    for (const [k, v] of Object.entries(attrs)) if (v !== undefined) attributes[k] = toAttribute(v);
    this.nodes.push({ name: this.fresh(`${opType}_node`), opType, domain: '', inputs, outputs: outs, attributes, metadata: {} });
    return outs;
  }

  /** A single-output node. */
  op(opType: string, inputs: string[], attrs: Record<string, AttrInput | undefined> = {}): string {
    return this.node(opType, inputs, attrs)[0];
  }

  /**
   * A Conv or ConvTranspose with `kernel_shape`, `strides`, `dilations` and `pads` written out
   * (`attrs` overrides them): onnxruntime-web's WebGPU kernels take the spatial rank from
   * kernel_shape and fail on a 2-D node without it ("dilations should be 2D").
   *
   * @example
   * b.conv('Conv', [x, w], [3, 3], { pads: [1, 1, 1, 1], group: 8 });
   */
  conv(opType: 'Conv' | 'ConvTranspose', inputs: string[], kernel: number[], attrs: Record<string, AttrInput | undefined> = {}): string {
    const ones = kernel.map(() => 1);
    const defaults = { kernel_shape: kernel, strides: ones, dilations: ones, pads: [...kernel, ...kernel].map(() => 0) };
    const given = Object.fromEntries(Object.entries(attrs).filter(([, v]) => v !== undefined));
    return this.op(opType, inputs, { ...defaults, ...given });
  }

  private cachedConst(key: string, make: (name: string) => Tensor): string {
    const hit = this.constCache.get(key);
    if (hit) return hit;
    const name = this.fresh('const');
    this.initializers.set(name, make(name));
    this.constCache.set(key, name);
    return name;
  }

  constF(values: number[] | Float32Array, dims: number[] = [values.length]): string {
    if (values.length > 64) {
      const name = this.fresh('const');
      this.initializers.set(name, float32Tensor(name, dims, values instanceof Float32Array ? values : Float32Array.from(values)));
      return name;
    }
    return this.cachedConst(`f${dims}|${Array.from(values)}`, (n) => float32Tensor(n, dims, Array.from(values)));
  }

  constI(values: number[], dims: number[] = [values.length]): string {
    return this.cachedConst(`i${dims}|${values}`, (n) => int64Tensor(n, dims, values));
  }

  scalarF(v: number): string {
    return this.constF([v], []);
  }

  /** A constant of the given element type (for ops whose inputs must match a non-float type). */
  constTyped(dataType: number, values: number[], dims: number[]): string {
    if (dataType === DataType.FLOAT) return this.constF(values, dims);
    if (dataType === DataType.INT64) return this.constI(values, dims);
    return this.cachedConst(`t${dataType}|${dims}|${values}`, (n) => numbersTensor(n, dataType, dims, values));
  }

  reduceSum(x: string, axes: number[], keepdims: boolean): string {
    if (axes.length === 0) return x;
    return this.reduce('ReduceSum', 13, x, axes, keepdims);
  }

  reduceMean(x: string, axes: number[], keepdims: boolean): string {
    return this.reduce('ReduceMean', 18, x, axes, keepdims);
  }

  reduceMin(x: string, axes: number[], keepdims: boolean): string {
    return this.reduce('ReduceMin', 18, x, axes, keepdims);
  }

  reduceMax(x: string, axes: number[], keepdims: boolean): string {
    return this.reduce('ReduceMax', 18, x, axes, keepdims);
  }

  /** A reduction whose axes moved from an attribute to an input at opset `axesInput`. */
  private reduce(opType: string, axesInput: number, x: string, axes: number[], keepdims: boolean): string {
    const k = keepdims ? 1 : 0;
    if (this.opset >= axesInput) return this.op(opType, [x, this.constI(axes)], { keepdims: k });
    return this.op(opType, [x], { axes, keepdims: k });
  }

  unsqueeze(x: string, axes: number[]): string {
    if (this.opset >= 13) return this.op('Unsqueeze', [x, this.constI(axes)]);
    return this.op('Unsqueeze', [x], { axes });
  }

  squeeze(x: string, axes: number[]): string {
    if (this.opset >= 13) return this.op('Squeeze', [x, this.constI(axes)]);
    return this.op('Squeeze', [x], { axes });
  }

  reshape(x: string, dims: number[]): string {
    return this.op('Reshape', [x, this.constI(dims)]);
  }

  transpose(x: string, perm: number[]): string {
    if (perm.every((p, i) => p === i)) return x;
    return this.op('Transpose', [x], { perm });
  }

  slice(x: string, starts: number[], ends: number[], axes: number[], steps?: number[]): string {
    if (this.opset >= 10) {
      const inputs = [x, this.constI(starts), this.constI(ends), this.constI(axes)];
      if (steps) inputs.push(this.constI(steps));
      return this.op('Slice', inputs);
    }
    return this.op('Slice', [x], { starts, ends, axes });
  }

  /** Constant zero padding; `pads` in ONNX order (all begins, then all ends). */
  padZeros(x: string, pads: number[]): string {
    if (pads.every((p) => p === 0)) return x;
    if (this.opset >= 11) return this.op('Pad', [x, this.constI(pads)], { mode: 'constant' });
    return this.op('Pad', [x], { pads, mode: 'constant', value: float(0) });
  }

  concat(xs: string[], axis: number): string {
    return xs.length === 1 ? xs[0] : this.op('Concat', xs, { axis });
  }

  /** Sum of several same-shaped tensors. */
  sum(xs: string[]): string {
    return xs.length === 1 ? xs[0] : this.op('Sum', xs);
  }

  /** Sums a broadcast gradient back down to the shape of the operand it came from. */
  reduceToShape(g: string, from: number[], to: number[]): string {
    if (from.length === to.length && from.every((d, i) => d === to[i])) return g;
    const lead = from.length - to.length;
    const axes: number[] = [];
    for (let i = 0; i < from.length; i++) {
      const t = i < lead ? 1 : to[i - lead];
      if (i < lead || (t === 1 && from[i] !== 1)) axes.push(i);
    }
    const reduced = this.reduceSum(g, axes, true);
    return this.reshape(reduced, to);
  }

  /** Float mask (1 where `cond` holds) of a boolean tensor. */
  maskOf(cond: string): string {
    return this.op('Cast', [cond], { to: DataType.FLOAT });
  }
}
