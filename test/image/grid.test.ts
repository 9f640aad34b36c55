import { describe, expect, it } from 'vitest';
import { makeGrid, rowColumnFigure } from '../../src/image/grid.js';
import { fitText, lineHeight, measureText } from '../../src/image/text.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';

const flat = (w: number, h: number, rgb: number[]): RgbImage =>
  ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 3).map((_, i) => rgb[i % 3]) });
const px = (img: RgbImage, x: number, y: number): number[] => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));

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
    const big = flat(40, 10, [200, 200, 200]), small = flat(4, 2, [50, 50, 50]);
    const g = makeGrid([big, small], { columns: 2, padding: 2, labels: ['I', 'small tile label'] });
    const band = lineHeight() + 2;
    expect([g.width, g.height]).toEqual([2 * 40 + 3 * 2, 10 + band + 2 * 2]);
    // small tile centred in its 40x10 cell at x 44: offset (18, 4)
    expect(px(g, 44 + 18, 2 + 4)).toEqual([50, 50, 50]);
    expect(px(g, 44 + 17, 2 + 4)).toEqual([255, 255, 255]);
    // Ink under each tile, centred: the 'I' stem sits in the middle of its 40 px cell.
    const inkIn = (x0: number, x1: number) => {
      let n = 0;
      for (let y = 12; y < g.height; y++) for (let x = x0; x < x1; x++) if (px(g, x, y)[0] < 128) n++;
      return n;
    };
    expect(inkIn(2 + 17, 2 + 23)).toBeGreaterThan(0);
    expect(inkIn(2, 2 + 15) + inkIn(2 + 25, 42)).toBe(0);
    // The long label is shortened to fit 40 px.
    expect(inkIn(44, 84)).toBeGreaterThan(0);
    expect(fitText('small tile label', 40)).toMatch(/…$/);
  });

  it('uses white labels on dark backgrounds and rejects empty input', () => {
    const g = makeGrid([flat(20, 2, [0, 0, 0])], { padding: 0, background: [0, 0, 0], labels: ['H'] });
    const bright = Array.from({ length: g.width * g.height }, (_, i) => g.data[3 * i]).filter((v) => v > 128);
    expect(bright.length).toBeGreaterThan(5);
    expect(() => makeGrid([])).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => makeGrid([flat(1, 1, [0, 0, 0])], { columns: 0 })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
  });
});

describe('rowColumnFigure', () => {
  it('adds row labels on the left and column labels on top', () => {
    const a = flat(20, 20, [255, 0, 0]), b = flat(20, 20, [0, 0, 255]);
    const fig = rowColumnFigure([[a, b], [b]], { rowLabels: ['a', 'bb'], columnLabels: ['x', 'y'], padding: 2 });
    const left = measureText('bb').width + 4;
    const top = lineHeight() + 4;
    expect([fig.width, fig.height]).toEqual([left + 2 * 20 + 3 * 2, top + 2 * 20 + 3 * 2]);
    expect(px(fig, left + 2, top + 2)).toEqual([255, 0, 0]); // cell [0][0] at (left + pad, top + pad)
    expect(px(fig, left + 24, top + 2)).toEqual([0, 0, 255]); // cell [0][1]
    expect(px(fig, left + 2, top + 24)).toEqual([0, 0, 255]); // cell [1][0]
    expect(px(fig, left + 24, top + 24)).toEqual([255, 255, 255]); // missing cell stays background
    const inked = (x0: number, y0: number, x1: number, y1: number) => {
      let n = 0;
      for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (px(fig, x, y)[0] < 128) n++;
      return n;
    };
    expect(inked(0, top, left, top + 22)).toBeGreaterThan(0); // row label 'a' beside its row
    expect(inked(left + 2, 0, left + 22, top)).toBeGreaterThan(0); // column label 'x' over its column
    expect(inked(left + 2 + 20, 0, left + 24, top)).toBe(0); // nothing between the column labels
  });

  it('drops column labels that cannot fit a single character', () => {
    const fig = rowColumnFigure([[flat(4, 4, [0, 0, 0])]], { columnLabels: ['x'], padding: 1 });
    expect(fig.data.subarray(0, fig.width * 8 * 3).every((v) => v === 255)).toBe(true);
  });
});
