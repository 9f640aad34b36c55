/**
 * The PNG fast path against sharp: pixel for pixel on PNGs that use every row filter, and
 * declining (null) every PNG it must leave to sharp.
 */
import sharp from 'sharp';
import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng } from '../../src/image/png.js';
import { decodeImageBytes } from '../../src/node/codecs.js';
import { decodeSimplePng } from '../../src/node/png-fast-decode.js';
import { SceneRandom } from '../../src/demo/scenes/scene-random.js';

/** Noise, gradients and flat areas side by side, so encoders choose different filters per row. */
function picture(width: number, height: number, seed: number): Buffer {
  const rng = new SceneRandom(seed);
  const data = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) {
        const kind = (y >> 2) % 3;
        data[(y * width + x) * 3 + c] = kind === 0 ? Math.floor(rng.next() * 256) : kind === 1 ? (x * 7 + y * 3 + c * 50) & 255 : 128;
      }
    }
  }
  return data;
}

const raw = (pixels: Buffer, width: number, height: number, channels: 1 | 3 | 4 = 3) => sharp(pixels, { raw: { width, height, channels } });

async function viaSharp(png: Uint8Array): Promise<Uint8Array> {
  const { data } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  return new Uint8Array(data);
}

/** Filter type of each row, read from the inflated image data. */
function rowFilters(png: Uint8Array, width: number, height: number): Set<number> {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const parts: Uint8Array[] = [];
  for (let at = 8; at < png.length;) {
    const length = view.getUint32(at);
    if (String.fromCharCode(...png.subarray(at + 4, at + 8)) === 'IDAT') parts.push(png.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const data = inflateSync(Buffer.concat(parts));
  return new Set(Array.from({ length: height }, (_, y) => data[y * (width * 3 + 1)]));
}

describe('decodeSimplePng', () => {
  it('equals sharp on RGB PNGs using all five row filters', async () => {
    const filters = new Set<number>();
    for (const [width, height, seed] of [[37, 29, 1], [64, 48, 2], [1, 5, 3], [5, 1, 4]]) {
      const pixels = picture(width, height, seed);
      const pngs = [
        new Uint8Array(await raw(pixels, width, height).png({ adaptiveFiltering: true, compressionLevel: 9 }).toBuffer()),
        new Uint8Array(await raw(pixels, width, height).png({ adaptiveFiltering: false, compressionLevel: 1 }).toBuffer()),
        encodePng({ width, height, data: new Uint8ClampedArray(pixels) }),
      ];
      for (const png of pngs) {
        for (const f of rowFilters(png, width, height)) filters.add(f);
        const fast = decodeSimplePng(png);
        expect(fast, `${width}x${height}`).not.toBeNull();
        expect(fast!.width).toBe(width);
        expect(fast!.height).toBe(height);
        expect(new Uint8Array(fast!.data.buffer)).toEqual(await viaSharp(png));
      }
    }
    expect([...filters].sort()).toEqual([0, 1, 2, 3, 4]);
  });

  it('leaves alpha, grey, palette, 16-bit, interlaced, profiled and damaged PNGs to sharp', async () => {
    const pixels = picture(20, 12, 5);
    const declined = [
      await raw(Buffer.concat([pixels, Buffer.alloc(20 * 12, 200)]), 20, 12, 4).png().toBuffer(),
      await raw(pixels, 20, 12).toColourspace('b-w').png().toBuffer(),
      await raw(pixels, 20, 12).png({ palette: true }).toBuffer(),
      await raw(pixels, 20, 12).toColourspace('rgb16').png().toBuffer(),
      await raw(pixels, 20, 12).png({ progressive: true }).toBuffer(),
      await raw(pixels, 20, 12).withIccProfile('p3').png().toBuffer(),
    ];
    for (const [i, png] of declined.entries()) expect(decodeSimplePng(new Uint8Array(png)), `case ${i}`).toBeNull();
    const damaged = encodePng({ width: 20, height: 12, data: new Uint8ClampedArray(pixels) });
    damaged[60] ^= 0xff;
    expect(decodeSimplePng(damaged)).toBeNull();
    await expect(decodeImageBytes(damaged, 'damaged.png')).rejects.toThrow(/Could not decode damaged\.png/);
  });

  it('is what decodeImageBytes returns for plain RGB PNGs', async () => {
    const pixels = picture(33, 17, 6);
    const png = new Uint8Array(await raw(pixels, 33, 17).png().toBuffer());
    const img = await decodeImageBytes(png, 'plain.png');
    expect(new Uint8Array(img.data.buffer)).toEqual(await viaSharp(png));
  });
});
