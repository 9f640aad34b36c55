/**
 * A fast path for the commonest dataset pictures: 8-bit RGB PNGs with no colour metadata,
 * inflated with zlib and unfiltered here. sharp's per-image setup costs several times more
 * than decoding a small PNG, so a scan of small pictures spent most of its time there.
 * Everything else (palette, grey, alpha, 16-bit, interlaced, colour profiles, gamma, EXIF,
 * anything damaged) returns null and goes to sharp, so the pixels always equal sharp's.
 */
import { crc32, inflateSync } from 'node:zlib';
import type { RgbImage } from '../preprocess/rgb-image.js';

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** Chunks that leave sharp's pixels untouched; any other chunk sends the file to sharp. */
const INERT_CHUNKS = new Set(['IDAT', 'tEXt', 'zTXt', 'iTXt', 'tIME', 'pHYs']);

/** Larger pictures go to sharp, which enforces its own pixel limit. */
const MAX_PIXELS = 1 << 26;

/** Undoes the PNG row filters of 3-byte pixels into `out`; false on an unknown filter. */
function unfilter(raw: Uint8Array, out: Uint8Array, width: number, height: number): boolean {
  const stride = width * 3;
  const zeros = new Uint8Array(stride);
  for (let y = 0; y < height; y++) {
    const src = y * (stride + 1) + 1;
    const line = raw.subarray(src, src + stride);
    const row = out.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? out.subarray((y - 1) * stride, y * stride) : zeros;
    switch (raw[src - 1]) {
      case 0:
        row.set(line);
        break;
      case 1:
        for (let i = 0; i < stride; i++) row[i] = line[i] + (i >= 3 ? row[i - 3] : 0);
        break;
      case 2:
        for (let i = 0; i < stride; i++) row[i] = line[i] + up[i];
        break;
      case 3:
        for (let i = 0; i < 3; i++) row[i] = line[i] + (up[i] >> 1);
        for (let i = 3; i < stride; i++) row[i] = line[i] + ((row[i - 3] + up[i]) >> 1);
        break;
      case 4:
        for (let i = 0; i < 3; i++) row[i] = line[i] + up[i];
        for (let i = 3; i < stride; i++) {
          const a = row[i - 3];
          const b = up[i];
          const c = up[i - 3];
          const pa = Math.abs(b - c);
          const pb = Math.abs(a - c);
          const pc = Math.abs(a + b - 2 * c);
          row[i] = line[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
        }
        break;
      default:
        return false;
    }
  }
  return true;
}

/**
 * Decodes `bytes` when they are a plain 8-bit RGB, non-interlaced PNG whose chunks carry no
 * colour or orientation metadata and whose checksums hold; null for anything else.
 *
 * @example
 * const img = decodeSimplePng(bytes) ?? await decodeWithSharp(bytes);
 */
export function decodeSimplePng(bytes: Uint8Array): RgbImage | null {
  if (bytes.length < 8 + 25 + 12 || SIGNATURE.some((b, i) => bytes[i] !== b)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const idat: Uint8Array[] = [];
  let width = 0;
  let height = 0;
  let ended = false;
  for (let at = 8; !ended;) {
    if (at + 12 > bytes.length) return null;
    const length = view.getUint32(at);
    const end = at + 8 + length;
    if (end + 4 > bytes.length || crc32(bytes.subarray(at + 4, end)) !== view.getUint32(end)) return null;
    const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
    const body = bytes.subarray(at + 8, end);
    if (at === 8) {
      // Depth 8, colour type 2 (RGB), deflate, standard filters, no interlace.
      if (type !== 'IHDR' || length !== 13 || body[8] !== 8 || body[9] !== 2 || body[10] !== 0 || body[11] !== 0 || body[12] !== 0) return null;
      width = view.getUint32(at + 8);
      height = view.getUint32(at + 12);
      if (width === 0 || height === 0 || width * height > MAX_PIXELS) return null;
    } else if (type === 'IEND') {
      ended = true;
    } else if (!INERT_CHUNKS.has(type)) {
      return null;
    } else if (type === 'IDAT') {
      idat.push(body);
    }
    at = end + 4;
  }
  if (idat.length === 0) return null;
  let raw: Uint8Array;
  try {
    raw = inflateSync(idat.length === 1 ? idat[0] : Buffer.concat(idat));
  } catch {
    return null;
  }
  if (raw.length !== height * (width * 3 + 1)) return null;
  const data = new Uint8ClampedArray(width * height * 3);
  return unfilter(raw, new Uint8Array(data.buffer), width, height) ? { width, height, data } : null;
}
