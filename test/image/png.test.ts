import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { crc32, encodePng, pngDataUrl } from '../../src/image/png.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';

function noise(w: number, h: number, seed = 1): RgbImage {
  let s = seed;
  const data = new Uint8ClampedArray(w * h * 3).map(() => {
    s = (s * 1103515245 + 12345) >>> 0;
    return s >>> 24;
  });
  return { width: w, height: h, data };
}

function smooth(w: number, h: number): RgbImage {
  const data = new Uint8ClampedArray(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x * 2, y * 3, (x + y) % 256], (y * w + x) * 3);
  return { width: w, height: h, data };
}

async function decodeWithSharp(bytes: Uint8Array): Promise<{ data: number[]; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(bytes).raw().toBuffer({ resolveWithObject: true });
  return { data: Array.from(data), width: info.width, height: info.height, channels: info.channels };
}

describe('checksums', () => {
  it('CRC-32 matches its published check values', () => {
    const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
    expect(crc32(ascii('123456789'))).toBe(0xcbf43926);
    expect(crc32(ascii('IEND'))).toBe(0xae426082); // the CRC every PNG ends with
  });
});

describe('encodePng', () => {
  it('writes a valid RGB PNG that sharp decodes to the same pixels', async () => {
    for (const img of [noise(17, 13), smooth(300, 120), noise(1, 1, 7)]) {
      for (const compress of [true, false]) {
        const bytes = encodePng(img, { compress });
        expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
        const decoded = await decodeWithSharp(bytes);
        expect([decoded.width, decoded.height, decoded.channels]).toEqual([img.width, img.height, 3]);
        expect(decoded.data).toEqual(Array.from(img.data));
      }
    }
  });

  it('writes the IHDR fields exactly', () => {
    const bytes = encodePng(noise(300, 2));
    // length 13, "IHDR", width 300, height 2, depth 8, colour type 2, compression 0, filter 0, interlace 0
    expect(Array.from(bytes.subarray(8, 8 + 8 + 13))).toEqual([
      0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 44, 0, 0, 0, 2, 8, 2, 0, 0, 0,
    ]);
    const view = new DataView(bytes.buffer, bytes.byteOffset);
    expect(view.getUint32(29)).toBe(crc32(bytes.subarray(12, 29)));
    expect(Array.from(bytes.subarray(bytes.length - 12))).toEqual([0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82]);
  });

  it('compressed smooth images are much smaller than stored ones', () => {
    const img = smooth(256, 256);
    expect(encodePng(img).length).toBeLessThan(encodePng(img, { compress: false }).length / 5);
  });

  it('pngDataUrl wraps the same bytes in base64', () => {
    for (const img of [noise(3, 2), noise(5, 5), noise(4, 4)]) {
      const url = pngDataUrl(img);
      expect(url.startsWith('data:image/png;base64,')).toBe(true);
      expect(new Uint8Array(Buffer.from(url.slice(22), 'base64'))).toEqual(encodePng(img));
    }
  });
});
