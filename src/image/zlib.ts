/**
 * A small synchronous zlib (RFC 1950/1951) writer, so PNGs can be built anywhere without
 * platform code or async CompressionStream. Two modes: stored blocks (no compression,
 * trivially correct) and LZ77 with the fixed Huffman code (roughly what `gzip -1` achieves
 * on filtered image rows, at a fraction of the code of dynamic Huffman).
 */

/**
 * Adler-32 checksum, the trailer of a zlib stream.
 *
 * @example
 * adler32(new TextEncoder().encode('Wikipedia')); // 0x11e60398
 */
export function adler32(data: Uint8Array): number {
  let a = 1, b = 0;
  // 5552 is the largest block for which b cannot overflow 2^32 before the modulo.
  for (let i = 0; i < data.length;) {
    const end = Math.min(i + 5552, data.length);
    for (; i < end; i++) { a += data[i]; b += a; }
    a %= 65521; b %= 65521;
  }
  return ((b << 16) | a) >>> 0;
}

class BitWriter {
  bytes = new Uint8Array(1 << 16);
  length = 0;
  private bitBuf = 0;
  private bitCount = 0;

  private ensure(extra: number): void {
    if (this.length + extra <= this.bytes.length) return;
    const next = new Uint8Array(Math.max(this.bytes.length * 2, this.length + extra));
    next.set(this.bytes.subarray(0, this.length));
    this.bytes = next;
  }

  /** Appends `n` bits of `value`, least significant first (deflate's bit order). */
  bits(value: number, n: number): void {
    this.bitBuf |= value << this.bitCount;
    this.bitCount += n;
    this.ensure(4);
    while (this.bitCount >= 8) {
      this.bytes[this.length++] = this.bitBuf & 0xff;
      this.bitBuf >>>= 8;
      this.bitCount -= 8;
    }
  }

  /** Appends a Huffman code, which deflate stores most significant bit first. */
  code(code: number, n: number): void {
    let rev = 0;
    for (let i = 0; i < n; i++) rev |= ((code >> i) & 1) << (n - 1 - i);
    this.bits(rev, n);
  }

  alignToByte(): void {
    if (this.bitCount > 0) this.bits(0, 8 - this.bitCount);
  }

  raw(data: Uint8Array): void {
    this.ensure(data.length);
    this.bytes.set(data, this.length);
    this.length += data.length;
  }

  result(): Uint8Array {
    this.alignToByte();
    return this.bytes.slice(0, this.length);
  }
}

const LENGTH_BASE = [3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258];
const LENGTH_EXTRA = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0];
const DIST_BASE = [1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
  4097, 6145, 8193, 12289, 16385, 24577];
const DIST_EXTRA = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13];

function lastIndexAtMost(table: number[], value: number): number {
  let i = table.length - 1;
  while (table[i] > value) i--;
  return i;
}

/** Writes literal/length symbol `sym` (0..287) with the fixed Huffman code of RFC 1951 3.2.6. */
function fixedSymbol(w: BitWriter, sym: number): void {
  if (sym < 144) w.code(0x30 + sym, 8);
  else if (sym < 256) w.code(0x190 + sym - 144, 9);
  else if (sym < 280) w.code(sym - 256, 7);
  else w.code(0xc0 + sym - 280, 8);
}

const WINDOW = 32768;
const MIN_MATCH = 3;
const MAX_MATCH = 258;
const HASH_BITS = 15;
const MAX_CHAIN = 48;

function hash3(d: Uint8Array, i: number): number {
  return (((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]) * 2654435761) >>> (32 - HASH_BITS);
}

function deflateFixed(w: BitWriter, data: Uint8Array): void {
  w.bits(1, 1); // final block
  w.bits(1, 2); // BTYPE 01: fixed Huffman
  const head = new Int32Array(1 << HASH_BITS).fill(-1);
  const prev = new Int32Array(WINDOW);
  const insert = (i: number): void => {
    const h = hash3(data, i);
    prev[i & (WINDOW - 1)] = head[h];
    head[h] = i;
  };
  let i = 0;
  while (i < data.length) {
    let bestLen = 0, bestDist = 0;
    if (i + MIN_MATCH <= data.length) {
      const limit = Math.min(MAX_MATCH, data.length - i);
      let cand = head[hash3(data, i)];
      for (let chain = 0; cand >= 0 && i - cand <= WINDOW && chain < MAX_CHAIN; chain++) {
        if (data[cand + bestLen] === data[i + bestLen]) {
          let len = 0;
          while (len < limit && data[cand + len] === data[i + len]) len++;
          if (len > bestLen) { bestLen = len; bestDist = i - cand; if (len === limit) break; }
        }
        const next = prev[cand & (WINDOW - 1)];
        if (next >= cand) break; // slot reused by a newer position: chain ended
        cand = next;
      }
      insert(i);
    }
    if (bestLen >= MIN_MATCH) {
      const li = lastIndexAtMost(LENGTH_BASE, bestLen);
      fixedSymbol(w, 257 + li);
      if (LENGTH_EXTRA[li]) w.bits(bestLen - LENGTH_BASE[li], LENGTH_EXTRA[li]);
      const di = lastIndexAtMost(DIST_BASE, bestDist);
      w.code(di, 5);
      if (DIST_EXTRA[di]) w.bits(bestDist - DIST_BASE[di], DIST_EXTRA[di]);
      for (let k = 1; k < bestLen; k++) if (i + k + MIN_MATCH <= data.length) insert(i + k);
      i += bestLen;
    } else {
      fixedSymbol(w, data[i]);
      i++;
    }
  }
  fixedSymbol(w, 256); // end of block
}

function deflateStored(w: BitWriter, data: Uint8Array): void {
  const header = new Uint8Array(4);
  let pos = 0;
  do {
    const n = Math.min(65535, data.length - pos);
    const final = pos + n >= data.length;
    w.bits(final ? 1 : 0, 1);
    w.bits(0, 2); // BTYPE 00: stored
    w.alignToByte();
    header[0] = n & 0xff; header[1] = n >> 8;
    header[2] = ~n & 0xff; header[3] = (~n >> 8) & 0xff;
    w.raw(header);
    w.raw(data.subarray(pos, pos + n));
    pos += n;
  } while (pos < data.length);
}

/**
 * Wraps `data` in a zlib stream: `compress` true uses LZ77 + fixed Huffman, false stores
 * it uncompressed. Any inflate implementation (zlib, browsers, PNG decoders) reads both.
 *
 * @example
 * const z = zlibCompress(new TextEncoder().encode('hello hello hello'), true);
 */
export function zlibCompress(data: Uint8Array, compress = true): Uint8Array {
  const w = new BitWriter();
  // CMF 0x78: deflate with a 32 KiB window; FLG 0x01 makes CMF*256+FLG divisible by 31.
  w.raw(new Uint8Array([0x78, 0x01]));
  if (compress && data.length > 0) deflateFixed(w, data);
  else deflateStored(w, data);
  w.alignToByte();
  const sum = adler32(data);
  w.raw(new Uint8Array([sum >>> 24, (sum >>> 16) & 0xff, (sum >>> 8) & 0xff, sum & 0xff]));
  return w.result();
}
