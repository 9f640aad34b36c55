/**
 * Text in figures: DejaVu Sans outlines (font-data.ts) rasterized with antialiasing
 * (glyph-raster.ts) and blended into RGB images. No canvas and no font files, so figures
 * look the same in Node and in the browser.
 */
import { fontGlyphs, fontMetrics } from './font-data.js';
import { fillEdges, outlineEdges } from './glyph-raster.js';
import type { RgbImage } from '../preprocess/rgb-image.js';

/** Characters the font lacks are drawn as this one. */
const FALLBACK = '?';

/** Default text size: the font's em in pixels. */
export const DEFAULT_TEXT_SIZE = 13;

const glyphOf = (ch: string) => fontGlyphs[ch] ?? fontGlyphs[FALLBACK];

/** Height of a line of text (ascender to descender) at `size`. */
export function lineHeight(size = DEFAULT_TEXT_SIZE): number {
  return Math.ceil(((fontMetrics.ascender - fontMetrics.descender) * size) / fontMetrics.unitsPerEm);
}

/**
 * Width and height in pixels of `text` at `size` (pixels per em).
 *
 * @example
 * measureText('tabby 62%', 13); // { width: 64, height: 16 }
 */
export function measureText(text: string, size = DEFAULT_TEXT_SIZE): { width: number; height: number } {
  let advance = 0;
  for (const ch of text) advance += glyphOf(ch)[0];
  return { width: Math.ceil((advance * size) / fontMetrics.unitsPerEm), height: lineHeight(size) };
}

/**
 * Shortens `text` so it fits in `maxWidth` pixels, ending it with `…` when cut.
 *
 * @example
 * fitText('great white shark', 60); // 'great whi…'
 */
export function fitText(text: string, maxWidth: number, size = DEFAULT_TEXT_SIZE): string {
  if (measureText(text, size).width <= maxWidth) return text;
  const chars = [...text];
  for (let n = chars.length - 1; n > 0; n--) {
    const cut = `${chars.slice(0, n).join('').trimEnd()}…`;
    if (measureText(cut, size).width <= maxWidth) return cut;
  }
  return '';
}

export interface TextOptions {
  /** Pixels per em; default {@link DEFAULT_TEXT_SIZE}. */
  size?: number;
  /** Default black. */
  color?: [number, number, number];
}

/**
 * Draws `text` into `img` in place, its line box's top-left corner at (`x`, `y`); what
 * falls outside the image is clipped.
 *
 * @example
 * drawText(canvas, 'Grad-CAM  layer4  tabby', 4, 4, { size: 14 });
 */
export function drawText(img: RgbImage, text: string, x: number, y: number, options: TextOptions = {}): void {
  const size = options.size ?? DEFAULT_TEXT_SIZE;
  const [r, g, b] = options.color ?? [0, 0, 0];
  const scale = size / fontMetrics.unitsPerEm;
  const { width, height } = measureText(text, size);
  const left = Math.floor(x);
  const top = Math.floor(y);
  // Rasterize into a small buffer over the text's box, then blend it in.
  const w = width + 2;
  const h = height + 1;
  const coverage = new Float32Array(w * h);
  let pen = 1 + (x - left);
  const baseline = (y - top) + fontMetrics.ascender * scale;
  const edges = [];
  for (const ch of text) {
    const [advance, contours] = glyphOf(ch);
    edges.push(...outlineEdges(contours, scale, pen, baseline));
    pen += advance * scale;
  }
  fillEdges(edges, coverage, w, h);
  for (let j = 0; j < h; j++) {
    const py = top + j;
    if (py < 0 || py >= img.height) continue;
    for (let i = 0; i < w; i++) {
      const a = Math.min(1, coverage[j * w + i]);
      const px = left - 1 + i;
      if (a <= 0 || px < 0 || px >= img.width) continue;
      const o = (py * img.width + px) * 3;
      img.data[o] += (r - img.data[o]) * a;
      img.data[o + 1] += (g - img.data[o + 1]) * a;
      img.data[o + 2] += (b - img.data[o + 2]) * a;
    }
  }
}
