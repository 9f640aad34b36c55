/**
 * Evaluating small constant tensors as plain number arrays, with the element-type semantics
 * ONNX runtimes apply, so folded shape arithmetic matches what would run.
 */
import { DataType } from '../types.js';
import { product, stridesOf } from './dims.js';
import { MAX_FOLDED_ELEMENTS } from './types.js';

const INTEGRAL = new Set<number>([
  DataType.UINT8, DataType.INT8, DataType.UINT16, DataType.INT16, DataType.INT32, DataType.INT64,
  DataType.BOOL, DataType.UINT32, DataType.UINT64,
]);

export function isIntegral(type: number): boolean {
  return INTEGRAL.has(type);
}

const f32 = new Float32Array(1);
const i32 = new Int32Array(1);
const u32 = new Uint32Array(1);
const i16 = new Int16Array(1);
const u16 = new Uint16Array(1);
const i8 = new Int8Array(1);
const u8 = new Uint8Array(1);

function wrap(arr: Int32Array | Uint32Array | Int16Array | Uint16Array | Int8Array | Uint8Array, x: number): number {
  arr[0] = x;
  return arr[0];
}

/** A number as the element type stores it: float32 rounding, integer truncation and wrap-around. */
export function castNumber(x: number, type: number): number {
  switch (type) {
    case DataType.FLOAT: case DataType.FLOAT16: case DataType.BFLOAT16:
      f32[0] = x;
      return f32[0];
    case DataType.DOUBLE: return x;
    case DataType.BOOL: return x !== 0 ? 1 : 0;
    case DataType.INT64: case DataType.UINT64: return Number.isFinite(x) ? Math.trunc(x) : x;
    case DataType.INT32: return wrap(i32, Math.trunc(x));
    case DataType.UINT32: return wrap(u32, Math.trunc(x));
    case DataType.INT16: return wrap(i16, Math.trunc(x));
    case DataType.UINT16: return wrap(u16, Math.trunc(x));
    case DataType.INT8: return wrap(i8, Math.trunc(x));
    case DataType.UINT8: return wrap(u8, Math.trunc(x));
    default: return x;
  }
}

/** Whether a result of this many elements should be folded at all. */
export function smallEnough(shape: readonly number[]): boolean {
  return product(shape) <= MAX_FOLDED_ELEMENTS;
}

/** Builds an output of `shape` by asking, for each output coordinate, which input element it takes. */
export function gatherCoords(shape: readonly number[], pick: (coords: number[]) => number): number[] {
  const n = product(shape);
  const out = new Array<number>(n);
  const coords = new Array<number>(shape.length).fill(0);
  for (let k = 0; k < n; k++) {
    out[k] = pick(coords);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++coords[d] < shape[d]) break;
      coords[d] = 0;
    }
  }
  return out;
}

/** The flat index into a tensor of `from` dims that broadcasting maps output `coords` onto. */
export function broadcastIndex(coords: readonly number[], from: readonly number[]): number {
  const strides = stridesOf(from);
  const offset = coords.length - from.length;
  let idx = 0;
  for (let d = 0; d < from.length; d++) {
    if (from[d] !== 1) idx += coords[d + offset] * strides[d];
  }
  return idx;
}

export function broadcastValues(values: readonly number[], from: readonly number[], to: readonly number[]): number[] {
  return gatherCoords(to, (c) => values[broadcastIndex(c, from)]);
}

export interface FoldOperand {
  shape: number[];
  value?: number[];
}

/**
 * Applies `fn` elementwise over broadcast operands, or returns undefined when any operand is
 * not a constant or the result would be too large to keep.
 */
export function foldElementwise(
  operands: readonly FoldOperand[], outShape: readonly number[], outType: number, fn: (xs: number[]) => number,
): number[] | undefined {
  if (!smallEnough(outShape) || operands.some((o) => o.value === undefined)) return undefined;
  const xs = new Array<number>(operands.length);
  return gatherCoords(outShape, (c) => {
    operands.forEach((o, i) => { xs[i] = o.value![broadcastIndex(c, o.shape)]; });
    return castNumber(fn(xs), outType);
  });
}
