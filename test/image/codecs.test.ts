import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImageBytes, decodeImageFile, encodePngBytes } from '../../src/node/codecs.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';

let dir: string;
beforeAll(async () => { dir = await mkdtemp(join(tmpdir(), 'convlens-codecs-')); });
afterAll(async () => { await rm(dir, { recursive: true, force: true }); });

/** 8x6 test picture with four flat quadrants (flat areas survive lossy codecs well). */
const quadrants: Array<[number, number, number]> = [[220, 30, 30], [30, 200, 40], [40, 40, 210], [240, 240, 240]];
function picture(w = 8, h = 6): RgbImage {
  const data = new Uint8ClampedArray(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
    data.set(quadrants[(y < h / 2 ? 0 : 2) + (x < w / 2 ? 0 : 1)], (y * w + x) * 3);
  }
  return { width: w, height: h, data };
}
const raw = (img: RgbImage, channels: 1 | 3 | 4 = 3) =>
  sharp(Buffer.from(img.data), { raw: { width: img.width, height: img.height, channels } });
const maxDiff = (a: Uint8ClampedArray, b: Uint8ClampedArray): number => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('decodeImageBytes with sharp', () => {
  const img = picture();

  it('decodes lossless formats exactly (PNG, WebP lossless, TIFF)', async () => {
    const encoded = [await raw(img).png().toBuffer(), await raw(img).webp({ lossless: true }).toBuffer(), await raw(img).tiff({ compression: 'lzw' }).toBuffer()];
    for (const bytes of encoded) {
      const out = await decodeImageBytes(bytes, 'x');
      expect([out.width, out.height]).toEqual([8, 6]);
      expect(Array.from(out.data)).toEqual(Array.from(img.data));
    }
  });

  it('decodes JPEG approximately and GIF exactly for a 4-colour picture', async () => {
    const jpeg = await decodeImageBytes(await raw(img).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).toBuffer(), 'x.jpg');
    expect(maxDiff(jpeg.data, img.data)).toBeLessThanOrEqual(12);
    const gif = await decodeImageBytes(await raw(img).gif().toBuffer(), 'x.gif');
    expect(maxDiff(gif.data, img.data)).toBeLessThanOrEqual(2);
  });

  it('reads only the first frame of an animated GIF', async () => {
    const frames = new Uint8ClampedArray(img.data.length * 2);
    frames.set(img.data);
    frames.fill(0, img.data.length); // second frame black
    const anim = await sharp(Buffer.from(frames), { raw: { width: 8, height: 12, channels: 3, pageHeight: 6 } }).gif().toBuffer();
    expect((await sharp(anim).metadata()).pages).toBe(2);
    const out = await decodeImageBytes(anim, 'anim.gif');
    expect([out.width, out.height]).toEqual([8, 6]);
    expect(maxDiff(out.data, img.data)).toBeLessThanOrEqual(2);
  });

  it('applies EXIF orientation 6 (rotate 90 degrees clockwise)', async () => {
    const wide = picture(8, 4);
    const jpeg = await raw(wide).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    expect((await sharp(jpeg).metadata()).orientation).toBe(6);
    const out = await decodeImageBytes(jpeg, 'phone.jpg');
    expect([out.width, out.height]).toEqual([4, 8]);
    // Rotating clockwise moves the top-left (red) quadrant to the top-right
    // and the bottom-left (blue) quadrant to the top-left.
    const at = (x: number, y: number): number[] => Array.from(out.data.subarray((y * 4 + x) * 3, (y * 4 + x) * 3 + 3));
    const close = (a: number[], b: number[]): boolean => a.every((v, i) => Math.abs(v - b[i]) <= 16);
    expect(close(at(3, 0), quadrants[0])).toBe(true);
    expect(close(at(0, 0), quadrants[2])).toBe(true);
    expect(close(at(0, 7), quadrants[3])).toBe(true);
  });

  it('expands grayscale to RGB and reduces 16-bit to 8-bit', async () => {
    const grayPixels = new Uint8ClampedArray([0, 64, 128, 255]);
    const grayPng = await sharp(Buffer.from(grayPixels), { raw: { width: 2, height: 2, channels: 1 } }).toColourspace('b-w').png().toBuffer();
    expect((await sharp(grayPng).metadata()).channels).toBe(1);
    const g = await decodeImageBytes(grayPng, 'gray.png');
    expect(Array.from(g.data)).toEqual([0, 0, 0, 64, 64, 64, 128, 128, 128, 255, 255, 255]);

    // 16-bit gray: 65535 -> 255, 32896 (= 128 * 257) -> 128, 257 -> 1
    const deep = new Uint16Array([65535, 32896, 257, 0]);
    const png16 = await sharp(deep, { raw: { width: 2, height: 2, channels: 1 } }).toColourspace('grey16').png().toBuffer();
    expect((await sharp(png16).metadata()).depth).toBe('ushort');
    const d = await decodeImageBytes(png16, 'deep.png');
    expect(Array.from(d.data)).toEqual([255, 255, 255, 128, 128, 128, 1, 1, 1, 0, 0, 0]);

    // 16-bit RGB
    const rgb16 = new Uint16Array([65535, 0, 32896, 0, 65535, 0]);
    const png48 = await sharp(rgb16, { raw: { width: 2, height: 1, channels: 3 } }).toColourspace('rgb16').png().toBuffer();
    expect((await sharp(png48).metadata()).depth).toBe('ushort');
    expect(Array.from((await decodeImageBytes(png48, 'rgb16.png')).data)).toEqual([255, 0, 128, 0, 255, 0]);
  });

  it('flattens transparency onto white', async () => {
    const rgba = new Uint8ClampedArray([255, 0, 0, 255, 255, 0, 0, 128, 0, 0, 255, 0, 0, 0, 0, 64]);
    const png = await sharp(Buffer.from(rgba), { raw: { width: 4, height: 1, channels: 4 } }).png().toBuffer();
    const out = await decodeImageBytes(png, 'logo.png');
    // a = 128/255: 255 * a + 255 * (1 - a) = 255 and 0 + 255 * 127/255 = 127; transparent -> white;
    // black at a = 64/255 -> 255 * 191 / 255 = 191
    const expected = [255, 0, 0, 255, 127, 127, 255, 255, 255, 191, 191, 191];
    expect(maxDiff(out.data, new Uint8ClampedArray(expected))).toBeLessThanOrEqual(1);
  });

  it('routes BMP bytes to the built-in decoder', async () => {
    // 1x1 24-bit BMP, pixel (10, 20, 30) stored as B G R plus one byte of row padding
    const bmp = new Uint8Array(58);
    const v = new DataView(bmp.buffer);
    bmp.set([0x42, 0x4d]);
    v.setUint32(2, 58, true); v.setUint32(10, 54, true); v.setUint32(14, 40, true);
    v.setInt32(18, 1, true); v.setInt32(22, 1, true); v.setUint16(26, 1, true); v.setUint16(28, 24, true);
    bmp.set([30, 20, 10], 54);
    expect(Array.from((await decodeImageBytes(bmp, 'one.bmp')).data)).toEqual([10, 20, 30]);
    const file = join(dir, 'one.bmp');
    await writeFile(file, bmp);
    expect(Array.from((await decodeImageFile(file)).data)).toEqual([10, 20, 30]);
  });
});

describe('decodeImageFile and errors', () => {
  it('reads a file from disk, with a blocking read or not', async () => {
    const file = join(dir, 'pic.png');
    await writeFile(file, await raw(picture()).png().toBuffer());
    for (const blockingRead of [false, true]) {
      expect(Array.from((await decodeImageFile(file, { blockingRead })).data)).toEqual(Array.from(picture().data));
    }
  });

  it('reports a missing file or a directory as IMAGE_NOT_FOUND, with a blocking read or not', async () => {
    const missing = join(dir, 'nope.jpg');
    for (const blockingRead of [false, true]) {
      await expect(decodeImageFile(missing, { blockingRead })).rejects.toMatchObject({
        code: 'IMAGE_NOT_FOUND', message: expect.stringContaining(`${missing}: no such file`),
      });
      await expect(decodeImageFile(dir, { blockingRead })).rejects.toMatchObject({ code: 'IMAGE_NOT_FOUND', message: expect.stringContaining('directory') });
    }
  });

  it('reports garbage, empty and truncated data as IMAGE_UNDECODABLE naming the file and the formats', async () => {
    const garbage = join(dir, 'notes.jpg');
    await writeFile(garbage, 'this is not an image at all');
    const expected = { code: 'IMAGE_UNDECODABLE', message: expect.stringMatching(/notes\.jpg.*PNG, JPEG, WebP, GIF \(first frame\), TIFF and BMP/) };
    await expect(decodeImageFile(garbage)).rejects.toMatchObject(expected);
    await expect(decodeImageBytes(new Uint8Array(0), 'empty.png')).rejects.toMatchObject({ code: 'IMAGE_UNDECODABLE' });
    const png = await raw(picture(64, 64)).png({ compressionLevel: 0 }).toBuffer();
    await expect(decodeImageBytes(png.subarray(0, 200), 'cut.png')).rejects.toMatchObject({
      code: 'IMAGE_UNDECODABLE', message: expect.stringContaining('cut.png'),
    });
  });
});

describe('encodePngBytes', () => {
  it('writes a compressed PNG that decodes to the same pixels', async () => {
    const img = picture(40, 30);
    const bytes = await encodePngBytes(img);
    const meta = await sharp(bytes).metadata();
    expect([meta.format, meta.width, meta.height, meta.channels]).toEqual(['png', 40, 30, 3]);
    expect(Array.from((await decodeImageBytes(bytes, 'x')).data)).toEqual(Array.from(img.data));
  });
});
