/**
 * Reads NumPy `.npy` files in tests (the PyTorch reference fixtures and the CLI's `--raw`
 * output): versions 1-3, float/int/uint/bool types of either byte order, and Fortran order,
 * converted to a C-ordered Float32Array.
 */
import { ConvlensError } from '../src/errors.js';
import { MAGIC } from '../src/image/npy.js';
import type { FloatTensor } from '../src/numeric/float-tensor.js';

function bad(message: string): ConvlensError {
  return new ConvlensError('BAD_INPUT', `Cannot read .npy: ${message}`);
}

function headerField(header: string, key: string): string {
  const m = new RegExp(`['"]${key}['"]\\s*:\\s*('[^']*'|"[^"]*"|True|False|\\([^)]*\\))`).exec(header);
  if (!m) throw bad(`the header has no '${key}' entry.`);
  return m[1];
}

type Reader = (view: DataView, offset: number, little: boolean) => number;

function readerFor(descr: string): { size: number; little: boolean; read: Reader } {
  const m = /^([<>|=])([fiub])(\d+)$/.exec(descr);
  if (!m) throw bad(`element type '${descr}' is not supported (use float, int, uint or bool data).`);
  const [, order, kind, digits] = m;
  const size = Number(digits);
  const little = order !== '>';
  const readers: Record<string, Reader | undefined> = {
    f2: (v, o, l) => halfToFloat(v.getUint16(o, l)),
    f4: (v, o, l) => v.getFloat32(o, l),
    f8: (v, o, l) => v.getFloat64(o, l),
    i1: (v, o) => v.getInt8(o),
    i2: (v, o, l) => v.getInt16(o, l),
    i4: (v, o, l) => v.getInt32(o, l),
    i8: (v, o, l) => Number(v.getBigInt64(o, l)),
    u1: (v, o) => v.getUint8(o),
    u2: (v, o, l) => v.getUint16(o, l),
    u4: (v, o, l) => v.getUint32(o, l),
    u8: (v, o, l) => Number(v.getBigUint64(o, l)),
    b1: (v, o) => (v.getUint8(o) ? 1 : 0),
  };
  const read = readers[kind + size];
  if (!read) throw bad(`element type '${descr}' is not supported.`);
  return { size, little, read };
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/**
 * Parses a `.npy` file into a float32 tensor (values of other numeric types are converted).
 * Throws `BAD_INPUT` naming the problem for anything that is not a readable `.npy`.
 *
 * @example
 * const t = decodeNpy(bytes); // { data: Float32Array, shape: [3, 224, 224] }
 */
export function decodeNpy(bytes: Uint8Array): FloatTensor {
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw bad('the bytes do not start with the \\x93NUMPY magic.');
  const major = bytes[6];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLen: number, start: number;
  if (major === 1) { headerLen = view.getUint16(8, true); start = 10; }
  else if (major === 2 || major === 3) { headerLen = view.getUint32(8, true); start = 12; }
  else throw bad(`format version ${major}.${bytes[7]} is not supported.`);
  if (start + headerLen > bytes.length) throw bad('the file ends inside its header.');
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = headerField(header, 'descr').slice(1, -1);
  const fortran = headerField(header, 'fortran_order') === 'True';
  const shapeText = headerField(header, 'shape');
  const shape = shapeText.slice(1, -1).split(',').map((s) => s.trim()).filter((s) => s.length > 0).map(Number);
  if (!shape.every((d) => Number.isInteger(d) && d >= 0)) throw bad(`the shape ${shapeText} is not valid.`);
  const { size, little, read } = readerFor(descr);
  const count = shape.reduce((a, b) => a * b, 1);
  const dataStart = start + headerLen;
  if (dataStart + count * size > bytes.length) {
    throw bad(`shape ${shapeText} needs ${count * size} data bytes but only ${bytes.length - dataStart} are present.`);
  }
  const data = new Float32Array(count);
  const strides = cOrderStrides(shape);
  for (let i = 0; i < count; i++) {
    const value = read(view, dataStart + i * size, little);
    data[fortran ? fortranToC(i, shape, strides) : i] = value;
  }
  return { data, shape };
}

function cOrderStrides(shape: number[]): number[] {
  const strides = new Array<number>(shape.length).fill(1);
  for (let d = shape.length - 2; d >= 0; d--) strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/** C-order index of the element stored at Fortran-order position `i`. */
function fortranToC(i: number, shape: number[], strides: number[]): number {
  let rest = i, index = 0;
  for (let d = 0; d < shape.length; d++) {
    const coord = rest % shape[d];
    rest = Math.floor(rest / shape[d]);
    index += coord * strides[d];
  }
  return index;
}
