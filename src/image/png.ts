/**
 * The one PNG encoder for RGB images (8-bit truecolour), in Node and in the browser alike:
 * row filters chosen per row, then zlib (fflate's DEFLATE).
 */
import { zlibSync } from 'fflate';
import { assertRgbImage } from '../preprocess/rgb-image.js';
import type { RgbImage } from '../preprocess/rgb-image.js';

let crcTable: Uint32Array | undefined;

/**
 * CRC-32 (IEEE 802.3, reflected, as PNG chunks and gzip use) of `bytes`.
 *
 * @example
 * crc32(new TextEncoder().encode('IEND')); // 0xae426082
 */
export function crc32(bytes: Uint8Array, crc = 0): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = ~crc >>> 0;
  for (let i = 0; i < bytes.length; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return ~c >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
  return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
}

/**
 * Rows prefixed by their filter type. With `filter` each row gets the filter (of the five
 * PNG defines) with the smallest sum of absolute residuals, the usual heuristic that makes
 * photos and smooth heatmaps compress well; without it every row is filter 0 (None).
 */
function filteredRows(img: RgbImage, filter: boolean): Uint8Array {
  const stride = img.width * 3;
  const out = new Uint8Array((stride + 1) * img.height);
  const candidate = new Uint8Array(stride);
  const src = img.data;
  for (let y = 0; y < img.height; y++) {
    const row = y * stride;
    const o = y * (stride + 1);
    if (!filter) {
      out.set(src.subarray(row, row + stride), o + 1);
      continue;
    }
    let best = Infinity;
    for (let type = 0; type < 5; type++) {
      let score = 0;
      for (let i = 0; i < stride; i++) {
        const a = i >= 3 ? src[row + i - 3] : 0;
        const b = y > 0 ? src[row - stride + i] : 0;
        const c = i >= 3 && y > 0 ? src[row - stride + i - 3] : 0;
        const x = src[row + i];
        const pred = type === 0 ? 0 : type === 1 ? a : type === 2 ? b : type === 3 ? (a + b) >> 1 : paeth(a, b, c);
        const r = (x - pred) & 0xff;
        candidate[i] = r;
        score += r < 128 ? r : 256 - r;
      }
      if (score < best) {
        best = score;
        out[o] = type;
        out.set(candidate, o + 1);
      }
    }
  }
  return out;
}

/** Options of {@link encodePng}. */
export interface PngOptions {
  /**
   * `true` (default): row filters and DEFLATE at its default level. `false`: stored
   * (uncompressed) deflate blocks, the fastest valid PNG.
   */
  compress?: boolean;
}

/**
 * Encodes an RGB image as a PNG file (colour type 2, 8 bits per channel, no interlace).
 *
 * @example
 * const bytes = encodePng(heatmap); // write to a file, a Blob, or see pngDataUrl
 */
export function encodePng(img: RgbImage, options: PngOptions = {}): Uint8Array {
  assertRgbImage(img);
  const compress = options.compress ?? true;
  const ihdr = new Uint8Array(13);
  const view = new DataView(ihdr.buffer);
  view.setUint32(0, img.width);
  view.setUint32(4, img.height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour RGB
  // compression method, filter method and interlace are all 0
  const idat = zlibSync(filteredRows(img, compress), { level: compress ? 6 : 0 });
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', idat),
    chunk('IEND', new Uint8Array(0)),
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) { out.set(p, pos); pos += p.length; }
  return out;
}

const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

/** Standard base64 (RFC 4648, with padding), without Buffer or btoa's string-size limits. */
function base64(bytes: Uint8Array): string {
  const parts: string[] = [];
  let chunkText = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    chunkText += BASE64[n >> 18] + BASE64[(n >> 12) & 63]
      + (i + 1 < bytes.length ? BASE64[(n >> 6) & 63] : '=')
      + (i + 2 < bytes.length ? BASE64[n & 63] : '=');
    // Joining pieces avoids building one huge string by repeated concatenation.
    if (chunkText.length >= 8192) { parts.push(chunkText); chunkText = ''; }
  }
  parts.push(chunkText);
  return parts.join('');
}

/**
 * The image as a `data:image/png;base64,...` URL, ready for an `<img src>` in a
 * self-contained HTML report.
 *
 * @example
 * html += `<img src="${pngDataUrl(overlay)}" alt="Grad-CAM">`;
 */
export function pngDataUrl(img: RgbImage, options: PngOptions = {}): string {
  return 'data:image/png;base64,' + base64(encodePng(img, options));
}
