import { describe, expect, it } from 'vitest';
import { decodeBmp, isBmp } from '../../src/image/bmp.js';

interface BmpSpec {
  width: number;
  height: number;
  bitCount: number;
  /** Pixel bytes per row, top row first, without padding. */
  rows: number[][];
  palette?: Array<[number, number, number]>;
  topDown?: boolean;
  dibSize?: 12 | 40 | 108;
  compression?: number;
  masks?: [number, number, number, number?];
}

/** Assembles a BMP file field by field, following the Windows BITMAPFILEHEADER/INFOHEADER layout. */
function buildBmp(s: BmpSpec): Uint8Array {
  const dib = s.dibSize ?? 40;
  const core = dib === 12;
  const masksAfter = dib === 40 && s.compression === 3 ? 12 : 0;
  const entry = core ? 3 : 4;
  const paletteBytes = (s.palette?.length ?? 0) * entry;
  const stride = Math.ceil((s.width * s.bitCount) / 32) * 4;
  const offset = 14 + dib + masksAfter + paletteBytes;
  const out = new Uint8Array(offset + stride * s.height);
  const v = new DataView(out.buffer);
  out[0] = 0x42; out[1] = 0x4d;
  v.setUint32(2, out.length, true);
  v.setUint32(10, offset, true);
  v.setUint32(14, dib, true);
  if (core) {
    v.setUint16(18, s.width, true); v.setInt16(20, s.topDown ? -s.height : s.height, true);
    v.setUint16(22, 1, true); v.setUint16(24, s.bitCount, true);
  } else {
    v.setInt32(18, s.width, true); v.setInt32(22, s.topDown ? -s.height : s.height, true);
    v.setUint16(26, 1, true); v.setUint16(28, s.bitCount, true);
    v.setUint32(30, s.compression ?? 0, true);
    v.setUint32(46, s.palette?.length ?? 0, true);
    if (s.masks) s.masks.forEach((m, i) => { if (m !== undefined && (i < 3 || dib > 40)) v.setUint32(54 + i * 4, m >>> 0, true); });
  }
  (s.palette ?? []).forEach(([r, g, b], i) => out.set([b, g, r], 14 + dib + masksAfter + i * entry));
  s.rows.forEach((row, y) => out.set(row, offset + (s.topDown ? y : s.height - 1 - y) * stride));
  return out;
}

const rgbOf = (img: { data: Uint8ClampedArray }): number[] => Array.from(img.data);

describe('decodeBmp', () => {
  // 3x2 picture, top row red green blue, bottom row white black (10, 20, 30)
  const expected = [255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255, 0, 0, 0, 10, 20, 30];
  const bgrRows = [[0, 0, 255, 0, 255, 0, 255, 0, 0], [255, 255, 255, 0, 0, 0, 30, 20, 10]];

  it('decodes 24-bit bottom-up and top-down files (rows padded to 4 bytes)', () => {
    for (const topDown of [false, true]) {
      const img = decodeBmp(buildBmp({ width: 3, height: 2, bitCount: 24, rows: bgrRows, topDown }));
      expect([img.width, img.height]).toEqual([3, 2]);
      expect(rgbOf(img)).toEqual(expected);
    }
  });

  it('decodes 8-bit paletted files, including the OS/2 core header with 3-byte entries', () => {
    const palette: Array<[number, number, number]> = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255], [0, 0, 0], [10, 20, 30]];
    const rows = [[0, 1, 2], [3, 4, 5]];
    expect(rgbOf(decodeBmp(buildBmp({ width: 3, height: 2, bitCount: 8, rows, palette })))).toEqual(expected);
    expect(rgbOf(decodeBmp(buildBmp({ width: 3, height: 2, bitCount: 8, rows, palette, topDown: true })))).toEqual(expected);
    expect(rgbOf(decodeBmp(buildBmp({ width: 3, height: 2, bitCount: 8, rows, palette, dibSize: 12 })))).toEqual(expected);
  });

  it('decodes 1-bit and 4-bit paletted files (pixels packed from the high bits)', () => {
    const bw: Array<[number, number, number]> = [[0, 0, 0], [255, 255, 255]];
    // 10 pixels: 1 0 1 1 0 0 0 1 | 1 0 -> bytes 0b10110001, 0b10000000
    const one = decodeBmp(buildBmp({ width: 10, height: 1, bitCount: 1, rows: [[0b10110001, 0b10000000]], palette: bw }));
    expect(rgbOf(one).filter((_, i) => i % 3 === 0)).toEqual([255, 0, 255, 255, 0, 0, 0, 255, 255, 0]);
    const four = decodeBmp(buildBmp({
      width: 3, height: 1, bitCount: 4, rows: [[0x21, 0x00]], palette: [[1, 1, 1], [2, 2, 2], [3, 3, 3]],
    }));
    expect(rgbOf(four)).toEqual([3, 3, 3, 2, 2, 2, 1, 1, 1]);
  });

  it('decodes 16-bit 5-5-5 and 32-bit BI_RGB files', () => {
    // 5-5-5: red 31 -> 0x7c00, green 16 -> 16 << 5 = 0x0200 (16 * 255 / 31 = 131.6), blue 1 -> (255 / 31 = 8.2)
    const px16 = [0x00, 0x7c, 0x00, 0x02, 0x01, 0x00];
    expect(rgbOf(decodeBmp(buildBmp({ width: 3, height: 1, bitCount: 16, rows: [px16] })))).toEqual([255, 0, 0, 0, 132, 0, 0, 0, 8]);
    // BGRX: the fourth byte is ignored for BI_RGB even when it is 0
    const px32 = [30, 20, 10, 0, 3, 2, 1, 77];
    expect(rgbOf(decodeBmp(buildBmp({ width: 2, height: 1, bitCount: 32, rows: [px32] })))).toEqual([10, 20, 30, 1, 2, 3]);
  });

  it('uses BITFIELDS masks and flattens alpha onto white (V4 header)', () => {
    // RGBA byte order in memory: masks R 0x000000ff, G 0x0000ff00, B 0x00ff0000, A 0xff000000
    const masks: [number, number, number, number] = [0xff, 0xff00, 0xff0000, 0xff000000];
    const rows = [[200, 100, 50, 255, 255, 0, 0, 128, 0, 0, 0, 0]];
    const img = decodeBmp(buildBmp({ width: 3, height: 1, bitCount: 32, rows, dibSize: 108, compression: 3, masks }));
    // opaque stays; red at alpha 128 over white: 255, (127 * 255) / 255 = 127, 127; fully transparent -> white
    expect(rgbOf(img)).toEqual([200, 100, 50, 255, 127, 127, 255, 255, 255]);
    // an alpha channel that is zero everywhere is treated as opaque
    const zeroAlpha = [[200, 100, 50, 0, 1, 2, 3, 0]];
    expect(rgbOf(decodeBmp(buildBmp({ width: 2, height: 1, bitCount: 32, rows: zeroAlpha, dibSize: 108, compression: 3, masks }))))
      .toEqual([200, 100, 50, 1, 2, 3]);
    // 40-byte header with the three masks after it: 5-6-5 16-bit
    const img565 = decodeBmp(buildBmp({
      width: 2, height: 1, bitCount: 16, rows: [[0x00, 0xf8, 0xe0, 0x07]], compression: 3, masks: [0xf800, 0x07e0, 0x001f],
    }));
    expect(rgbOf(img565)).toEqual([255, 0, 0, 0, 255, 0]);
  });

  it('rejects unsupported and broken files with IMAGE_UNDECODABLE naming the source', () => {
    const fails = (bytes: Uint8Array, message: RegExp): void => {
      expect(() => decodeBmp(bytes, 'scan.bmp')).toThrow(expect.objectContaining({
        code: 'IMAGE_UNDECODABLE', message: expect.stringMatching(message),
      }));
    };
    const good = buildBmp({ width: 3, height: 2, bitCount: 24, rows: bgrRows });
    const rle = good.slice(); new DataView(rle.buffer).setUint32(30, 1, true);
    fails(rle, /scan\.bmp.*RLE-compressed BMP is not supported/);
    fails(good.subarray(0, good.length - 4), /truncated/);
    const weirdDepth = good.slice(); new DataView(weirdDepth.buffer).setUint16(28, 2, true);
    fails(weirdDepth, /2 bits per pixel/);
    fails(new Uint8Array(30), /"BM" signature/);
    expect(isBmp(good)).toBe(true);
    expect(isBmp(new Uint8Array([0x89, 0x50]))).toBe(false);
  });
});
