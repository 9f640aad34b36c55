/**
 * NumPy `.npy` files: the `--raw` output format, readable with `np.load` in one line.
 * Writing always produces version 1.0, little-endian float32 (`'<f4'`), C order.
 */
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';

/** The magic string every .npy file starts with. */
export const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

function pythonShape(shape: number[]): string {
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

/**
 * Serializes a tensor as a `.npy` v1.0 file. The header is the Python dict literal NumPy
 * writes (`{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`), padded with spaces
 * and a final newline so the data starts at a multiple of 64 bytes.
 *
 * @example
 * const bytes = encodeNpy({ data: cam.raw.data, shape: cam.raw.shape });
 * // python: np.load('cat.gradcam.npy')
 */
export function encodeNpy(t: FloatTensor): Uint8Array {
  const count = t.shape.reduce((a, b) => a * b, 1);
  if (!t.shape.every((d) => Number.isInteger(d) && d >= 0) || !(t.data instanceof Float32Array) || t.data.length !== count) {
    throw new ConvlensError('BAD_INPUT',
      `Cannot write .npy: shape ${JSON.stringify(t.shape)} needs ${count} float32 values, got ${t.data?.length}.`);
  }
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${pythonShape(t.shape)}, }`;
  const preamble = MAGIC.length + 4; // magic, version (2 bytes), header length (2 bytes)
  const total = Math.ceil((preamble + header.length + 1) / 64) * 64;
  header = header.padEnd(total - preamble - 1, ' ') + '\n';
  if (header.length > 0xffff) {
    throw new ConvlensError('BAD_INPUT', `Cannot write .npy: a ${t.shape.length}-dimensional shape makes the header too long.`);
  }
  const out = new Uint8Array(total + count * 4);
  out.set(MAGIC, 0);
  out[6] = 1; out[7] = 0;
  out[8] = header.length & 0xff; out[9] = header.length >> 8;
  for (let i = 0; i < header.length; i++) out[preamble + i] = header.charCodeAt(i);
  const view = new DataView(out.buffer, total);
  for (let i = 0; i < count; i++) view.setFloat32(i * 4, t.data[i], true);
  return out;
}
