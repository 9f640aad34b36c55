/** Outline text: coverage checked against exact areas (rectangles, a disc, glyph polygons by the shoelace formula). */
import { describe, expect, it } from 'vitest';
import { fontGlyphs, fontMetrics } from '../../src/image/font-data.js';
import { fillEdges, outlineEdges } from '../../src/image/glyph-raster.js';
import { drawText, fitText, measureText } from '../../src/image/text.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';

const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);

describe('glyph rasterizer', () => {
  it('covers a rectangle with fractional edges by its exact area, pixel by pixel', () => {
    // Font units with scale 1 and y up: x 1.25..3.75, y from -1 to -3 (pixel rows 1 and 2).
    const rect = [1.25, -1, 1, 3.75, -1, 1, 3.75, -3, 1, 1.25, -3, 1];
    const cov = new Float32Array(6 * 5);
    fillEdges(outlineEdges([rect], 1, 0, 0), cov, 6, 5);
    for (const y of [1, 2]) {
      expect(Array.from(cov.subarray(y * 6, y * 6 + 6)).map((v) => Number(v.toFixed(4)))).toEqual([0, 0.75, 1, 0.75, 0, 0]);
    }
    expect(sum(cov)).toBeCloseTo(2.5 * 2, 5);
  });

  it('covers a disc by pi r^2 and a ring (two opposite contours) by the difference', () => {
    const circle = (r: number, cw: boolean) => {
      const pts: number[] = [];
      for (let k = 0; k < 720; k++) {
        const t = ((cw ? -1 : 1) * 2 * Math.PI * k) / 720;
        pts.push(20 + r * Math.cos(t), -20 + r * Math.sin(t), 1);
      }
      return pts;
    };
    const disc = new Float32Array(40 * 40);
    fillEdges(outlineEdges([circle(12, false)], 1, 0, 0), disc, 40, 40);
    expect(sum(disc) / (Math.PI * 144)).toBeCloseTo(1, 2);
    const ring = new Float32Array(40 * 40);
    fillEdges(outlineEdges([circle(12, false), circle(6, true)], 1, 0, 0), ring, 40, 40);
    expect(sum(ring) / (Math.PI * (144 - 36))).toBeCloseTo(1, 2);
    expect(ring[20 * 40 + 20]).toBe(0); // the hole
  });

  it('fills glyphs made of straight lines by their polygon area', () => {
    const scale = 40 / fontMetrics.unitsPerEm;
    for (const ch of ['I', 'L', 'E', 'H', 'T']) {
      const [, contours] = fontGlyphs[ch];
      expect(contours.every((c) => c.every((v, i) => i % 3 !== 2 || v === 1)), `${ch} has curves`).toBe(true);
      // Shoelace: outer contours clockwise in TrueType, so the signed area is negative.
      const area = -contours.reduce((total, c) => {
        let a = 0;
        for (let i = 0; i < c.length; i += 3) {
          const j = (i + 3) % c.length;
          a += c[i] * c[j + 1] - c[j] * c[i + 1];
        }
        return total + a / 2;
      }, 0);
      const cov = new Float32Array(60 * 60);
      fillEdges(outlineEdges(contours, scale, 5, 50), cov, 60, 60);
      // Horizontal edges are sampled by 15 sub-scanlines per pixel: within 1.5 % at this size.
      expect(Math.abs(sum(cov) / (area * scale * scale) - 1), ch).toBeLessThan(0.015);
    }
  });
});

describe('text', () => {
  it('has a glyph for every printable ASCII character, ink for all but space', () => {
    for (let code = 33; code <= 126; code++) expect(fontGlyphs[String.fromCharCode(code)][1].length, String.fromCharCode(code)).toBeGreaterThan(0);
    expect(fontGlyphs[' '][1]).toEqual([]);
  });

  it('draws antialiased text that blends into the picture, clipped at its borders', () => {
    const img: RgbImage = { width: 80, height: 20, data: new Uint8ClampedArray(80 * 20 * 3).fill(255) };
    drawText(img, 'Grad-CAM 0.1%', 1, 1, { size: 13, color: [0, 0, 0] });
    const values = Array.from(img.data);
    expect(values.filter((v) => v === 0).length).toBeGreaterThan(20);
    expect(values.filter((v) => v > 0 && v < 255).length).toBeGreaterThan(20);
    expect(() => drawText(img, 'éW', -4, -6, { color: [255, 0, 0] })).not.toThrow();
  });

  it('measures and shortens text with an ellipsis', () => {
    const { width } = measureText('cat', 13);
    expect(width).toBe(Math.ceil(((fontGlyphs.c[0] + fontGlyphs.a[0] + fontGlyphs.t[0]) * 13) / fontMetrics.unitsPerEm));
    expect(measureText('cat', 26).width).toBeGreaterThanOrEqual(2 * width - 1);
    const cut = fitText('great white shark', 60);
    expect(cut).toMatch(/^great.*…$/);
    expect(measureText(cut).width).toBeLessThanOrEqual(60);
    expect(fitText('cat', 100)).toBe('cat');
  });
});
