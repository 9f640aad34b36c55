import { describe, expect, it } from 'vitest';
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphs } from '../../src/image/font5x7.js';
import { makeGrid, rowColumnFigure } from '../../src/image/grid.js';
import { drawText, fitText, measureText } from '../../src/image/text.js';
import type { RgbImage } from '../../src/image/types.js';

const flat = (w: number, h: number, rgb: number[]): RgbImage =>
  ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 3).map((_, i) => rgb[i % 3]) });
const px = (img: RgbImage, x: number, y: number): number[] => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

describe('bitmap font', () => {
  it('has a distinct 5x7 glyph for every printable ASCII character', () => {
    const seen = new Set<string>();
    for (let code = 32; code <= 126; code++) {
      const rows = glyphs.get(String.fromCharCode(code));
      expect(rows, String.fromCharCode(code)).toBeDefined();
      expect(rows!.length).toBe(GLYPH_HEIGHT);
      rows!.forEach((r) => expect(r).toBeLessThan(1 << GLYPH_WIDTH));
      const key = rows!.join(',');
      expect(seen.has(key), `glyph ${String.fromCharCode(code)} duplicates another`).toBe(false);
      seen.add(key);
      expect(rows!.some((r) => r > 0)).toBe(code !== 32);
    }
  });

  it('draws glyph cells exactly, scaled by whole pixels', () => {
    const img = flat(12, 16, [255, 255, 255]);
    drawText(img, 'T', 1, 1, { scale: 2, color: [10, 20, 30] });
    // 'T' top row is ##### -> x 1..10 at y 1..2 inked; second row ..#.. -> only x 5..6
    for (let x = 0; x < 12; x++) {
      expect(px(img, x, 1)).toEqual(x >= 1 && x <= 10 ? [10, 20, 30] : [255, 255, 255]);
      expect(px(img, x, 3)).toEqual(x === 5 || x === 6 ? [10, 20, 30] : [255, 255, 255]);
    }
    expect(px(img, 5, 14)).toEqual([10, 20, 30]); // last row of the stem: y = 1 + 6 * 2 + 1
    expect(px(img, 5, 15)).toEqual([255, 255, 255]);
  });

  it('measures, clips and shortens text', () => {
    expect(measureText('cat', 2)).toEqual({ width: 34, height: 14 }); // (3 * 6 - 1) * 2
    expect(measureText('', 1)).toEqual({ width: 0, height: 7 });
    expect(fitText('great white shark', 40)).toBe('grea..'); // 6 chars = 35 px; 7 would be 41
    expect(fitText('cat', 17)).toBe('cat');
    const img = flat(3, 3, [0, 0, 0]);
    expect(() => drawText(img, 'éW', -4, -2, { color: [255, 255, 255] })).not.toThrow();
  });
});

describe('makeGrid', () => {
  it('places tiles row by row with padding and background', () => {
    const red = flat(2, 2, [255, 0, 0]), blue = flat(2, 2, [0, 0, 255]), green = flat(2, 2, [0, 255, 0]);
    const g = makeGrid([red, blue, green], { columns: 2, padding: 1, background: [9, 9, 9] });
    // 2 columns: 2 * 2 + 3 * 1 = 7 wide; 2 rows: 7 high
    expect([g.width, g.height]).toEqual([7, 7]);
    expect(px(g, 0, 0)).toEqual([9, 9, 9]);
    expect(px(g, 1, 1)).toEqual([255, 0, 0]);
    expect(px(g, 2, 2)).toEqual([255, 0, 0]);
    expect(px(g, 3, 1)).toEqual([9, 9, 9]);
    expect(px(g, 4, 1)).toEqual([0, 0, 255]);
    expect(px(g, 1, 4)).toEqual([0, 255, 0]);
    expect(px(g, 4, 4)).toEqual([9, 9, 9]); // empty last cell
  });

  it('centres smaller tiles and writes labels under them', () => {
    const big = flat(20, 10, [200, 200, 200]), small = flat(4, 2, [50, 50, 50]);
    const g = makeGrid([big, small], { columns: 2, padding: 2, labels: ['I', 'small tile label'] });
    // label band: 7 + 2 = 9 px; width 2 * 20 + 3 * 2 = 46; height 10 + 9 + 2 * 2 = 23
    expect([g.width, g.height]).toEqual([46, 23]);
    // small tile centred in its 20x10 cell at x 24: offset (8, 4)
    expect(px(g, 24 + 8, 2 + 4)).toEqual([50, 50, 50]);
    expect(px(g, 24 + 7, 2 + 4)).toEqual([255, 255, 255]);
    // 'I' is 5 px wide, centred in 20 -> x 2 + 7 .. 2 + 11, row 0 = .###. ; label top = 2 + 10 + 1 = 13
    expect(px(g, 2 + 7, 13)).toEqual([255, 255, 255]);
    expect(px(g, 2 + 8, 13)).toEqual([0, 0, 0]);
    expect(px(g, 2 + 9, 14)).toEqual([0, 0, 0]); // stem
    // the long label is shortened to fit 20 px ('sm..' = 23 px is too wide, 's..' = 17 fits)
    let inked = 0;
    for (let y = 13; y < 20; y++) for (let x = 24; x < 44; x++) if (px(g, x, y)[0] === 0) inked++;
    expect(inked).toBeGreaterThan(0);
    expect(fitText('small tile label', 20)).toBe('s..');
  });

  it('uses white labels on dark backgrounds and rejects empty input', () => {
    const g = makeGrid([flat(10, 2, [0, 0, 0])], { padding: 0, background: [0, 0, 0], labels: ['-'] });
    // '-' row 3 is ##### ; label top = 2 + 1 = 3 -> y = 6, x centred: (10 - 5) / 2 = 2
    expect(px(g, 2, 6)).toEqual([255, 255, 255]);
    expect(() => makeGrid([])).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => makeGrid([flat(1, 1, [0, 0, 0])], { columns: 0 })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
  });
});

describe('rowColumnFigure', () => {
  it('adds row labels on the left and column labels on top', () => {
    const a = flat(6, 6, [255, 0, 0]), b = flat(6, 6, [0, 0, 255]);
    const fig = rowColumnFigure([[a, b], [b]], { rowLabels: ['a', 'bb'], columnLabels: ['x', 'y'], padding: 2 });
    // left = width('bb') 11 + gap 2 = 13; top = 7 + 2 = 9; W = 13 + 2 * 6 + 3 * 2 = 31; H = 9 + 2 * 6 + 3 * 2 = 27
    expect([fig.width, fig.height]).toEqual([31, 27]);
    expect(px(fig, 15, 11)).toEqual([255, 0, 0]); // cell [0][0] at (left + pad, top + pad)
    expect(px(fig, 23, 11)).toEqual([0, 0, 255]); // cell [0][1] at x 15 + 6 + 2
    expect(px(fig, 15, 19)).toEqual([0, 0, 255]); // cell [1][0] at y 11 + 6 + 2
    expect(px(fig, 23, 19)).toEqual([255, 255, 255]); // missing cell stays background
    // row label 'a' drawn at x = pad, vertically centred: y = 11 + floor((6 - 7) / 2) = 10; 'a' row 2 = .###.
    expect(px(fig, 3, 12)).toEqual([0, 0, 0]);
    expect(px(fig, 2, 12)).toEqual([255, 255, 255]);
    // column label 'x' centred over column 0: x = 15 + floor((6 - 5) / 2) = 15, top y = 2; 'x' row 2 = #...#
    expect(px(fig, 15, 4)).toEqual([0, 0, 0]);
    expect(px(fig, 16, 4)).toEqual([255, 255, 255]);
    expect(px(fig, 19, 4)).toEqual([0, 0, 0]);
    expect(px(fig, 15, 2)).toEqual([255, 255, 255]); // rows 0-1 of 'x' are empty
  });

  it('drops column labels that cannot fit a single character', () => {
    const fig = rowColumnFigure([[flat(4, 4, [0, 0, 0])]], { columnLabels: ['x'], padding: 1 });
    expect(fig.data.subarray(0, fig.width * 8 * 3).every((v) => v === 255)).toBe(true);
  });
});
