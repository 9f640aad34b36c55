/**
 * A BMP decoder (sharp/libvips cannot read BMP): uncompressed 1/4/8-bit paletted, 16-bit,
 * 24-bit and 32-bit files with any of the common headers (OS/2 core, BITMAPINFOHEADER,
 * V4, V5), bottom-up or top-down, with BITFIELDS masks. RLE-compressed and embedded
 * JPEG/PNG BMPs are rejected with an explanation. Transparency (32-bit with an alpha mask)
 * is flattened onto white like every other decoder.
 */
import { ConvlensError } from '../errors.js';
import { flattenRgba } from './alpha.js';
import type { RgbImage } from '../preprocess/rgb-image.js';

const BI_RGB = 0, BI_BITFIELDS = 3, BI_ALPHABITFIELDS = 6;
const MAX_PIXELS = 1 << 28;

/**
 * Whether `bytes` start like a BMP file (`BM` signature).
 *
 * @example
 * if (isBmp(bytes)) image = decodeBmp(bytes, 'scan.bmp');
 */
export function isBmp(bytes: Uint8Array): boolean {
  return bytes.length >= 26 && bytes[0] === 0x42 && bytes[1] === 0x4d;
}

interface Channel { mask: number; shift: number; max: number }

function channel(mask: number): Channel {
  mask >>>= 0;
  if (mask === 0) return { mask: 0, shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  let bits = 0;
  while (((mask >>> (shift + bits)) & 1) === 1 && shift + bits < 32) bits++;
  return { mask, shift, max: 2 ** bits - 1 };
}

function extract(pixel: number, c: Channel): number {
  if (c.max === 0) return 0;
  const v = ((pixel & c.mask) >>> 0) >>> c.shift;
  return c.max === 255 ? v : Math.round((v * 255) / c.max);
}

/**
 * Decodes a BMP file into an RGB image. `source` names the file in error messages.
 * Throws `IMAGE_UNDECODABLE` for malformed or unsupported variants.
 *
 * @example
 * const img = decodeBmp(new Uint8Array(await file.arrayBuffer()), file.name);
 */
export function decodeBmp(bytes: Uint8Array, source = 'BMP data'): RgbImage {
  const fail = (why: string): ConvlensError => new ConvlensError('IMAGE_UNDECODABLE',
    `Could not decode ${source} as BMP: ${why}. Convert it to PNG or an uncompressed 24-bit BMP and try again.`);
  if (!isBmp(bytes)) throw fail('it does not start with the "BM" signature');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const pixelOffset = view.getUint32(10, true);
  const dibSize = view.getUint32(14, true);
  let width: number, rawHeight: number, bitCount: number, compression = BI_RGB, colours = 0;
  let masks: [number, number, number, number] | undefined;
  let paletteEntry = 4;
  if (dibSize === 12) {
    width = view.getUint16(18, true);
    rawHeight = view.getInt16(20, true);
    bitCount = view.getUint16(24, true);
    paletteEntry = 3;
  } else if (dibSize >= 40 && 14 + dibSize <= bytes.length) {
    width = view.getInt32(18, true);
    rawHeight = view.getInt32(22, true);
    bitCount = view.getUint16(28, true);
    compression = view.getUint32(30, true);
    colours = view.getUint32(46, true);
    if (compression === BI_BITFIELDS || compression === BI_ALPHABITFIELDS) {
      // V2+ headers hold the masks; a plain 40-byte header is followed by them.
      const at = 54;
      const hasAlpha = dibSize >= 56 || compression === BI_ALPHABITFIELDS;
      if (at + (hasAlpha ? 16 : 12) > bytes.length) throw fail('the file ends inside its colour masks');
      masks = [view.getUint32(at, true), view.getUint32(at + 4, true), view.getUint32(at + 8, true),
        hasAlpha ? view.getUint32(at + 12, true) : 0];
    }
  } else {
    throw fail(`its header (${dibSize} bytes) is not a known BMP header`);
  }
  if (compression === 1 || compression === 2) throw fail('RLE-compressed BMP is not supported');
  if (compression === 4 || compression === 5) throw fail('BMP with embedded JPEG/PNG data is not supported');
  if (compression !== BI_RGB && compression !== BI_BITFIELDS && compression !== BI_ALPHABITFIELDS) {
    throw fail(`compression type ${compression} is not supported`);
  }
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width <= 0 || height <= 0 || width * height > MAX_PIXELS) throw fail(`its size ${width}x${rawHeight} is not valid`);
  if (![1, 4, 8, 16, 24, 32].includes(bitCount)) throw fail(`${bitCount} bits per pixel is not supported`);

  let palette: Uint8Array | undefined;
  if (bitCount <= 8) {
    const masksSize = dibSize === 40 && masks ? (compression === BI_ALPHABITFIELDS ? 16 : 12) : 0;
    const start = 14 + dibSize + masksSize;
    // Writers often store fewer entries than 2^bits (OS/2 files cannot say so): trust the
    // space between the headers and the pixels when it is smaller.
    const room = pixelOffset >= start ? Math.floor((pixelOffset - start) / paletteEntry) : Infinity;
    const count = Math.min(colours || 2 ** bitCount, room);
    if (start + count * paletteEntry > bytes.length) throw fail('the file ends inside its colour palette');
    palette = new Uint8Array(256 * 3); // indices beyond the palette read as black
    for (let i = 0; i < Math.min(count, 256); i++) {
      const p = start + i * paletteEntry;
      palette[i * 3] = bytes[p + 2]; palette[i * 3 + 1] = bytes[p + 1]; palette[i * 3 + 2] = bytes[p];
    }
  }

  const stride = Math.floor((bitCount * width + 31) / 32) * 4;
  if (pixelOffset + stride * height > bytes.length) {
    throw fail(`the pixel data is truncated (${width}x${height} at ${bitCount} bits needs ${stride * height} bytes)`);
  }
  const defaultMasks: Record<number, [number, number, number, number]> = {
    16: [0x7c00, 0x03e0, 0x001f, 0],
    32: [0xff0000, 0xff00, 0xff, 0],
  };
  const [cr, cg, cb, ca] = (masks ?? defaultMasks[bitCount] ?? [0, 0, 0, 0]).map(channel);
  const rgba = new Uint8ClampedArray(width * height * 4);
  let anyAlpha = false;
  for (let y = 0; y < height; y++) {
    const row = pixelOffset + (topDown ? y : height - 1 - y) * stride;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 4;
      let r: number, g: number, b: number, a = 255;
      if (palette) {
        const bitPos = x * bitCount;
        const byte = bytes[row + (bitPos >> 3)];
        const index = (byte >> (8 - bitCount - (bitPos & 7))) & ((1 << bitCount) - 1);
        r = palette[index * 3]; g = palette[index * 3 + 1]; b = palette[index * 3 + 2];
      } else if (bitCount === 24) {
        const p = row + x * 3;
        b = bytes[p]; g = bytes[p + 1]; r = bytes[p + 2];
      } else {
        const pixel = bitCount === 16 ? view.getUint16(row + x * 2, true) : view.getUint32(row + x * 4, true);
        r = extract(pixel, cr); g = extract(pixel, cg); b = extract(pixel, cb);
        if (ca.max) { a = extract(pixel, ca); if (a) anyAlpha = true; }
      }
      rgba[o] = r; rgba[o + 1] = g; rgba[o + 2] = b; rgba[o + 3] = a;
    }
  }
  // Writers often leave the alpha byte zero even when they declare an alpha mask;
  // an all-transparent picture is never what they meant, so treat it as opaque.
  if (ca.max && !anyAlpha) for (let i = 3; i < rgba.length; i += 4) rgba[i] = 255;
  return flattenRgba(rgba, width, height);
}
