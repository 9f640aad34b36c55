/**
 * Writes src/image/font-data.ts: the outlines of DejaVu Sans for the characters figure text
 * uses (printable ASCII and a few symbols), read from the TrueType file Debian's
 * fonts-dejavu-core installs. Only needed to change the character set; the output is
 * committed, so neither Node nor the browser needs a font file at run time.
 *
 *   npx tsx tools/fonts/make-font-data.ts [FONT.ttf]
 */
import { readFileSync, writeFileSync } from 'node:fs';

const fontPath = process.argv[2] ?? '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
const out = new URL('../../src/image/font-data.ts', import.meta.url).pathname;
const extra = '°±×–—…µ·≥≤−';
const characters = [...Array.from({ length: 95 }, (_, i) => String.fromCharCode(32 + i)), ...extra];

const bytes = readFileSync(fontPath);
const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const tables = new Map<string, number>();
for (let i = 0, n = view.getUint16(4); i < n; i++) {
  const rec = 12 + 16 * i;
  tables.set(bytes.subarray(rec, rec + 4).toString('latin1'), view.getUint32(rec + 8));
}
const table = (tag: string) => {
  const at = tables.get(tag);
  if (at === undefined) throw new Error(`${fontPath} has no ${tag} table (a TrueType-outline font is needed)`);
  return at;
};

const head = table('head');
const unitsPerEm = view.getUint16(head + 18);
const longLoca = view.getInt16(head + 50) === 1;
const hhea = table('hhea');
const ascender = view.getInt16(hhea + 4);
const descender = view.getInt16(hhea + 6);
const hMetrics = view.getUint16(hhea + 34);
const hmtx = table('hmtx');
const advanceOf = (g: number) => view.getUint16(hmtx + 4 * Math.min(g, hMetrics - 1));
const loca = table('loca');
const glyf = table('glyf');
const glyphRange = (g: number): [number, number] => (longLoca
  ? [view.getUint32(loca + 4 * g), view.getUint32(loca + 4 * g + 4)]
  : [2 * view.getUint16(loca + 2 * g), 2 * view.getUint16(loca + 2 * g + 2)]);

/** Unicode to glyph index through the format-4 subtable of the Unicode BMP cmap. */
function glyphIndex(code: number): number {
  const cmap = table('cmap');
  for (let i = 0, n = view.getUint16(cmap + 2); i < n; i++) {
    const platform = view.getUint16(cmap + 4 + 8 * i);
    const encoding = view.getUint16(cmap + 6 + 8 * i);
    const sub = cmap + view.getUint32(cmap + 8 + 8 * i);
    if (view.getUint16(sub) !== 4 || !((platform === 3 && encoding === 1) || platform === 0)) continue;
    const segs = view.getUint16(sub + 6) / 2;
    const ends = sub + 14;
    const starts = ends + 2 * segs + 2;
    const deltas = starts + 2 * segs;
    const offsets = deltas + 2 * segs;
    for (let s = 0; s < segs; s++) {
      if (code > view.getUint16(ends + 2 * s)) continue;
      const start = view.getUint16(starts + 2 * s);
      if (code < start) return 0;
      const delta = view.getInt16(deltas + 2 * s);
      const ro = view.getUint16(offsets + 2 * s);
      if (ro === 0) return (code + delta) & 0xffff;
      const g = view.getUint16(offsets + 2 * s + ro + 2 * (code - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
  }
  return 0;
}

/** Contours as flat [x, y, onCurve, ...] lists in font units; composites are flattened with their offsets. */
function contoursOf(g: number, dx = 0, dy = 0): number[][] {
  const [start, end] = glyphRange(g);
  if (end <= start) return [];
  const at = glyf + start;
  const count = view.getInt16(at);
  if (count < 0) {
    const result: number[][] = [];
    let p = at + 10;
    for (;;) {
      const flags = view.getUint16(p);
      const component = view.getUint16(p + 2);
      p += 4;
      const words = flags & 1;
      if (!(flags & 2)) throw new Error(`glyph ${g}: point-matched components are not supported`);
      const ox = words ? view.getInt16(p) : view.getInt8(p);
      const oy = words ? view.getInt16(p + 2) : view.getInt8(p + 1);
      p += words ? 4 : 2;
      if (flags & (0x8 | 0x40 | 0x80)) throw new Error(`glyph ${g}: scaled components are not supported`);
      result.push(...contoursOf(component, dx + ox, dy + oy));
      if (!(flags & 0x20)) return result;
    }
  }
  const endPoints = Array.from({ length: count }, (_, i) => view.getUint16(at + 10 + 2 * i));
  const points = endPoints.length ? endPoints[count - 1] + 1 : 0;
  let p = at + 10 + 2 * count;
  p += 2 + view.getUint16(p);
  const flags: number[] = [];
  while (flags.length < points) {
    const f = view.getUint8(p++);
    flags.push(f);
    if (f & 8) for (let r = view.getUint8(p++); r > 0; r--) flags.push(f);
  }
  const coordinate = (short: number, same: number) => {
    const values: number[] = [];
    let v = 0;
    for (const f of flags) {
      if (f & short) { const d = view.getUint8(p++); v += f & same ? d : -d; } else if (!(f & same)) { v += view.getInt16(p); p += 2; }
      values.push(v);
    }
    return values;
  };
  const xs = coordinate(2, 16);
  const ys = coordinate(4, 32);
  const contours: number[][] = [];
  let first = 0;
  for (const last of endPoints) {
    const c: number[] = [];
    for (let i = first; i <= last; i++) c.push(xs[i] + dx, ys[i] + dy, flags[i] & 1);
    contours.push(c);
    first = last + 1;
  }
  return contours;
}

const glyphs: Record<string, [number, number[][]]> = {};
for (const ch of characters) {
  const g = glyphIndex(ch.codePointAt(0)!);
  if (g === 0 && ch !== ' ') throw new Error(`${fontPath} has no glyph for "${ch}"`);
  glyphs[ch] = [advanceOf(g), contoursOf(g)];
}

const source = `/**
 * Outlines of DejaVu Sans (generated by tools/fonts/make-font-data.ts; do not edit): for each
 * character its advance width and its contours as flat [x, y, onCurve, ...] lists in font
 * units, y up, TrueType quadratic splines.
 *
 * DejaVu Sans: Copyright (c) 2003 by Bitstream, Inc. All Rights Reserved. Bitstream Vera is a
 * trademark of Bitstream, Inc. DejaVu changes are in public domain. Distributed under the
 * Bitstream Vera font license: the above copyright and trademark notices and this permission
 * notice shall be included in all copies of one or more of the Font Software typefaces.
 */
export const fontMetrics = { unitsPerEm: ${unitsPerEm}, ascender: ${ascender}, descender: ${descender} } as const;

export const fontGlyphs: Readonly<Record<string, readonly [advance: number, contours: readonly (readonly number[])[]]>> = {
${Object.entries(glyphs).map(([ch, g]) => `  ${JSON.stringify(ch)}: ${JSON.stringify(g)},`).join('\n')}
};
`;
writeFileSync(out, source);
console.log(`wrote ${out}: ${characters.length} characters, ${source.length} bytes`);
