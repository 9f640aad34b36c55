import { describe, expect, it } from 'vitest';
import { encodeNpy } from '../../src/image/npy.js';
import { decodeNpy } from '../npy-reader.js';

const ascii = (s: string): number[] => [...s].map((c) => c.charCodeAt(0));

/** Builds a .npy file by hand: magic, version, little-endian header length, header, data. */
function npyFile(header: string, data: Uint8Array, major = 1): Uint8Array {
  const lenBytes = major === 1 ? [header.length & 0xff, header.length >> 8]
    : [header.length & 0xff, (header.length >> 8) & 0xff, 0, 0];
  return new Uint8Array([0x93, ...ascii('NUMPY'), major, 0, ...lenBytes, ...ascii(header), ...data]);
}

describe('encodeNpy', () => {
  it('writes the exact v1.0 header, padded to 64 bytes, then little-endian float32 data', () => {
    const bytes = encodeNpy({ data: new Float32Array([1, 2.5, -3, 4, 5, 6]), shape: [2, 3] });
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }"; // 59 characters
    // 10 preamble bytes + 59 + newline = 70 -> padded to 128, so HEADER_LEN = 118 with 58 spaces
    const expected = [0x93, ...ascii('NUMPY'), 1, 0, 118, 0, ...ascii(dict), ...ascii(' '.repeat(58)), 0x0a];
    expect(Array.from(bytes.subarray(0, 128))).toEqual(expected);
    expect(bytes.length).toBe(128 + 24);
    // float32 1.0 = 0x3f800000, little-endian; -3.0 = 0xc0400000
    expect(Array.from(bytes.subarray(128, 132))).toEqual([0, 0, 0x80, 0x3f]);
    expect(Array.from(bytes.subarray(136, 140))).toEqual([0, 0, 0x40, 0xc0]);
  });

  it('writes 1-d shapes with a trailing comma and scalars as ()', () => {
    const one = new TextDecoder().decode(encodeNpy({ data: new Float32Array(5), shape: [5] }).subarray(10, 128));
    expect(one.startsWith("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }")).toBe(true);
    const scalar = encodeNpy({ data: new Float32Array([7]), shape: [] });
    // 55-character dict: 10 + 55 + 1 = 66 bytes, padded to 128
    expect(new TextDecoder().decode(scalar.subarray(10, 128))).toContain("'shape': (), }");
    expect(scalar.length).toBe(128 + 4);
  });

  it('keeps the data 64-byte aligned for long shapes', () => {
    const shape = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2];
    const bytes = encodeNpy({ data: new Float32Array(2), shape });
    const headerLen = bytes[8] | (bytes[9] << 8);
    expect((10 + headerLen) % 64).toBe(0);
    expect(bytes[10 + headerLen - 1]).toBe(0x0a);
  });

  it('rejects data that does not match the shape', () => {
    expect(() => encodeNpy({ data: new Float32Array(5), shape: [2, 3] })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});

describe('decodeNpy', () => {
  it('round-trips encodeNpy exactly', () => {
    const data = new Float32Array(2 * 3 * 4).map((_, i) => Math.sin(i) * 1e3);
    const t = decodeNpy(encodeNpy({ data, shape: [2, 3, 4] }));
    expect(t.shape).toEqual([2, 3, 4]);
    expect(Array.from(t.data)).toEqual(Array.from(data));
    expect(decodeNpy(encodeNpy({ data: new Float32Array([7]), shape: [] }))).toEqual({ data: new Float32Array([7]), shape: [] });
  });

  it('reads float64 and reorders Fortran-order arrays to C order', () => {
    // 2x3 array [[0, 1, 2], [3, 4, 5]] stored column-major: 0 3 1 4 2 5
    const f8 = new Uint8Array(48);
    const view = new DataView(f8.buffer);
    [0, 3, 1, 4, 2, 5].forEach((v, i) => view.setFloat64(i * 8, v, true));
    const t = decodeNpy(npyFile("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }      \n", f8));
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.data)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('reads big-endian int32, uint8, bool and version 2 headers', () => {
    const be = new Uint8Array([0, 0, 0, 1, 0xff, 0xff, 0xff, 0xfe]); // 1, -2
    expect(Array.from(decodeNpy(npyFile("{'descr': '>i4', 'fortran_order': False, 'shape': (2,), }\n", be)).data)).toEqual([1, -2]);
    expect(Array.from(decodeNpy(npyFile("{'descr': '|u1', 'fortran_order': False, 'shape': (3,), }\n", new Uint8Array([0, 128, 255]))).data))
      .toEqual([0, 128, 255]);
    expect(Array.from(decodeNpy(npyFile("{'descr': '|b1', 'fortran_order': False, 'shape': (2,), }\n", new Uint8Array([1, 0]))).data))
      .toEqual([1, 0]);
    const f4 = new Uint8Array(new Float32Array([0.5]).buffer);
    expect(Array.from(decodeNpy(npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }\n", f4, 2)).data)).toEqual([0.5]);
  });

  it('explains what is wrong with unreadable files', () => {
    const bad = (bytes: Uint8Array, message: RegExp): void => {
      expect(() => decodeNpy(bytes)).toThrow(expect.objectContaining({ code: 'BAD_INPUT', message: expect.stringMatching(message) }));
    };
    bad(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]), /magic/);
    bad(npyFile("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }\n", new Uint8Array(8)), /'<c8' is not supported/);
    bad(npyFile("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }\n", new Uint8Array(8)), /needs 16 data bytes/);
    bad(npyFile("{'descr': '<f4', 'shape': (1,), }\n", new Uint8Array(4)), /no 'fortran_order'/);
  });
});
