/** Drawing short ASCII labels into RGB images with the built-in 5x7 font. */
import { GLYPH_HEIGHT, GLYPH_WIDTH, glyphs } from './font5x7.js';
import type { RgbImage } from './types.js';

/** One glyph cell plus one column of spacing, in font pixels. */
const ADVANCE = GLYPH_WIDTH + 1;

/** Characters the font lacks (non-ASCII, control codes) are drawn as this one. */
const FALLBACK = '?';

/**
 * Width and height in pixels of `text` drawn at integer `scale` (1 gives 5x7 glyphs).
 *
 * @example
 * measureText('cat', 2); // { width: 34, height: 14 }
 */
export function measureText(text: string, scale = 1): { width: number; height: number } {
  const n = [...text].length;
  return { width: n === 0 ? 0 : (n * ADVANCE - 1) * scale, height: GLYPH_HEIGHT * scale };
}

/**
 * Shortens `text` so it fits in `maxWidth` pixels, ending it with `..` when cut.
 *
 * @example
 * fitText('great white shark', 40); // 'grea..' (6 glyphs = 35 px)
 */
export function fitText(text: string, maxWidth: number, scale = 1): string {
  const chars = [...text];
  if (measureText(text, scale).width <= maxWidth) return text;
  for (let n = chars.length - 1; n > 0; n--) {
    const cut = chars.slice(0, n).join('').trimEnd() + '..';
    if (measureText(cut, scale).width <= maxWidth) return cut;
  }
  return '';
}

/**
 * Draws `text` into `img` in place with its top-left corner at (`x`, `y`); pixels outside
 * the image are skipped, so labels may be clipped but never throw.
 *
 * @example
 * drawText(canvas, 'tabby 0.93', 4, 4, { scale: 2, color: [0, 0, 0] });
 */
export function drawText(
  img: RgbImage,
  text: string,
  x: number,
  y: number,
  options: { scale?: number; color?: [number, number, number] } = {},
): void {
  const scale = Math.max(1, Math.round(options.scale ?? 1));
  const [r, g, b] = options.color ?? [0, 0, 0];
  let penX = Math.round(x);
  const top = Math.round(y);
  for (const ch of text) {
    const rows = glyphs.get(ch) ?? glyphs.get(FALLBACK)!;
    for (let row = 0; row < GLYPH_HEIGHT; row++) {
      for (let col = 0; col < GLYPH_WIDTH; col++) {
        if (!((rows[row] >> (GLYPH_WIDTH - 1 - col)) & 1)) continue;
        for (let dy = 0; dy < scale; dy++) {
          const py = top + row * scale + dy;
          if (py < 0 || py >= img.height) continue;
          for (let dx = 0; dx < scale; dx++) {
            const px = penX + col * scale + dx;
            if (px < 0 || px >= img.width) continue;
            const o = (py * img.width + px) * 3;
            img.data[o] = r; img.data[o + 1] = g; img.data[o + 2] = b;
          }
        }
      }
    }
    penX += ADVANCE * scale;
  }
}
