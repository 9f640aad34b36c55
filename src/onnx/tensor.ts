/** Reading and writing the values of constant tensors. */
import { ConvlensError } from '../errors.js';
import { DataType, type Tensor } from './types.js';
import { product } from './shapes/dims.js';

const BYTES: Record<number, number> = {
  [DataType.FLOAT]: 4, [DataType.UINT8]: 1, [DataType.INT8]: 1, [DataType.UINT16]: 2,
  [DataType.INT16]: 2, [DataType.INT32]: 4, [DataType.INT64]: 8, [DataType.BOOL]: 1,
  [DataType.FLOAT16]: 2, [DataType.DOUBLE]: 8, [DataType.UINT32]: 4, [DataType.UINT64]: 8,
  [DataType.BFLOAT16]: 2,
};

export function bytesPerElement(dataType: number): number {
  const b = BYTES[dataType];
  if (b === undefined) throw new ConvlensError('BAD_INPUT', `Tensor element type ${dataType} is not supported by convlens.`);
  return b;
}


function view(t: Tensor): DataView {
  return new DataView(t.raw.buffer, t.raw.byteOffset, t.raw.byteLength);
}

function halfToFloat(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * 2 ** -14 * (f / 1024);
  if (e === 31) return f ? NaN : s * Infinity;
  return s * 2 ** (e - 15) * (1 + f / 1024);
}

/** Values of a tensor of any numeric type as numbers (int64 beyond 2^53 saturates). */
export function tensorToNumbers(t: Tensor): number[] {
  const n = product(t.dims);
  const v = view(t);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) out[i] = readElement(v, t.dataType, i);
  return out;
}

function readElement(v: DataView, type: number, i: number): number {
  switch (type) {
    case DataType.FLOAT: return v.getFloat32(i * 4, true);
    case DataType.DOUBLE: return v.getFloat64(i * 8, true);
    case DataType.INT64: return Number(v.getBigInt64(i * 8, true));
    case DataType.UINT64: return Number(v.getBigUint64(i * 8, true));
    case DataType.INT32: return v.getInt32(i * 4, true);
    case DataType.UINT32: return v.getUint32(i * 4, true);
    case DataType.INT16: return v.getInt16(i * 2, true);
    case DataType.UINT16: return v.getUint16(i * 2, true);
    case DataType.INT8: return v.getInt8(i);
    case DataType.UINT8: case DataType.BOOL: return v.getUint8(i);
    case DataType.FLOAT16: return halfToFloat(v.getUint16(i * 2, true));
    case DataType.BFLOAT16: return new Float32Array(new Uint32Array([v.getUint16(i * 2, true) << 16]).buffer)[0];
    default: throw new ConvlensError('BAD_INPUT', `Tensor element type ${type} is not supported by convlens.`);
  }
}

/** Float tensor values as a Float32Array (a view when the bytes are aligned float32). */
export function tensorToFloat32(t: Tensor): Float32Array {
  if (t.dataType === DataType.FLOAT) {
    const n = product(t.dims);
    if (t.raw.byteOffset % 4 === 0) return new Float32Array(t.raw.buffer, t.raw.byteOffset, n);
    // Uint8Array's own slice copies; a Node Buffer's slice would be a view into a shared pool.
    return new Float32Array(Uint8Array.prototype.slice.call(t.raw, 0, n * 4).buffer);
  }
  return Float32Array.from(tensorToNumbers(t));
}

export function float32Tensor(name: string, dims: number[], data: Float32Array | number[]): Tensor {
  const arr = data instanceof Float32Array ? data : Float32Array.from(data);
  return { name, dataType: DataType.FLOAT, dims: [...dims], raw: new Uint8Array(arr.buffer, arr.byteOffset, arr.byteLength) };
}

const INT64_MAX = 9223372036854775807n;

/** An int64 tensor; numbers at or beyond ±2^53 are written as INT64_MAX / INT64_MIN. */
export function int64Tensor(name: string, dims: number[], data: readonly number[]): Tensor {
  const arr = new BigInt64Array(data.length);
  data.forEach((x, i) => {
    arr[i] = x >= Number.MAX_SAFE_INTEGER ? INT64_MAX : x <= -Number.MAX_SAFE_INTEGER ? -INT64_MAX - 1n : BigInt(Math.trunc(x));
  });
  return { name, dataType: DataType.INT64, dims: [...dims], raw: new Uint8Array(arr.buffer) };
}

/** A scalar or 1-D tensor of the given element type from numbers. */
export function numbersTensor(name: string, dataType: number, dims: number[], data: readonly number[]): Tensor {
  if (dataType === DataType.INT64) return int64Tensor(name, dims, data);
  if (dataType === DataType.FLOAT) return float32Tensor(name, dims, [...data]);
  const bytes = new Uint8Array(data.length * bytesPerElement(dataType));
  const v = new DataView(bytes.buffer);
  data.forEach((x, i) => {
    switch (dataType) {
      case DataType.DOUBLE: v.setFloat64(i * 8, x, true); break;
      case DataType.INT32: v.setInt32(i * 4, x, true); break;
      case DataType.BOOL: case DataType.UINT8: v.setUint8(i, x); break;
      case DataType.INT8: v.setInt8(i, x); break;
      default: throw new ConvlensError('BAD_INPUT', `Cannot build a constant of element type ${dataType}.`);
    }
  });
  return { name, dataType, dims: [...dims], raw: bytes };
}
