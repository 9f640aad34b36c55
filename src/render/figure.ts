/**
 * Figures a person can read on their own: a picture (or a grid of them) under a title that
 * says what it shows, with a colour bar that says what its colours mean. Small pictures
 * (model inputs of 32 or 64 pixels) are enlarged by whole pixels so the text does not dwarf them.
 */
import { applyColormap, type ColormapName } from '../image/colormap.js';
import { drawText, fitText, lineHeight, measureText } from '../image/text.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import { upscaleNearest } from '../image/tiles.js';

/**
 * What the colours of a figure mean:
 * - `colormap`: values from `min` (bottom) to `max` (top) through a colour map;
 * - `signed`: input gradients per colour channel, black at `-max`, gray at 0, white at `+max`;
 * - `magnitude`: black at 0, white at `max`.
 */
export type ColorBar =
  | { kind: 'colormap'; colormap: ColormapName; min: number; max: number; caption: string }
  | { kind: 'signed' | 'magnitude'; max: number; caption: string };

export interface FigureLabels {
  /** First line, e.g. "Grad-CAM · layer4 · tabby 62% · resnet50". */
  title: string;
  /** Second line in gray: scale, range or what was left out. */
  subtitle?: string;
  colorBar?: ColorBar;
}

const TITLE_SIZE = 14;
const TEXT_SIZE = 12;
const PAD = 6;
const BAR_WIDTH = 14;
/** Pictures narrower than this are enlarged by a whole factor. */
const MIN_BODY = 192;
const white = (w: number, h: number): RgbImage => ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 3).fill(255) });

/**
 * A number for a scale: three significant digits, exponent notation when tiny or huge.
 *
 * @example
 * formatValue(0.000423); // "4.23e-4"
 * formatValue(12.5);     // "12.5"
 */
export function formatValue(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a < 1e-2 || a >= 1e4) return v.toExponential(2).replace(/\.?0+e/, 'e').replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
}

/**
 * A probability in percent with the digits it needs, so a small one never reads as 0 %.
 *
 * @example
 * formatPercent(0.621);  // "62.1%"
 * formatPercent(0.0012); // "0.12%"
 */
export function formatPercent(p: number): string {
  const v = 100 * p;
  if (v >= 10) return `${v.toFixed(1)}%`;
  if (v >= 0.01) return `${Number(v.toPrecision(2))}%`;
  return v > 0 ? '<0.01%' : '0%';
}

/** Breaks `text` at spaces into lines of at most `width` pixels; a word longer than that is cut. */
function wrapText(text: string, width: number, size: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (measureText(next, size).width <= width || !line) line = next;
    else { lines.push(line); line = word; }
  }
  lines.push(line);
  return lines.map((l) => fitText(l, width, size));
}

/**
 * `img` enlarged by the largest whole factor that keeps its longer side at most `minSide`
 * (nearest neighbour, so pixels stay sharp); unchanged when it is already that large.
 *
 * @example
 * enlargeTo(cell, 128); // a 32 x 32 map becomes 128 x 128
 */
export function enlargeTo(img: RgbImage, minSide: number): RgbImage {
  const factor = Math.floor(minSide / Math.max(img.width, img.height));
  return factor > 1 ? upscaleNearest(img, factor) : img;
}

function blit(dst: RgbImage, src: RgbImage, x: number, y: number): void {
  for (let row = 0; row < src.height; row++) dst.data.set(src.data.subarray(row * src.width * 3, (row + 1) * src.width * 3), ((y + row) * dst.width + x) * 3);
}

/** The bar's colours, top = high, as a `BAR_WIDTH x height` picture. */
function barImage(bar: ColorBar, height: number): RgbImage {
  const t = new Float32Array(BAR_WIDTH * height);
  for (let y = 0; y < height; y++) t.fill(1 - y / Math.max(1, height - 1), y * BAR_WIDTH, (y + 1) * BAR_WIDTH);
  return applyColormap(t, BAR_WIDTH, height, bar.kind === 'colormap' ? bar.colormap : 'gray');
}

function barTicks(bar: ColorBar): [string, string, string] {
  if (bar.kind === 'colormap') return [formatValue(bar.max), formatValue((bar.min + bar.max) / 2), formatValue(bar.min)];
  if (bar.kind === 'signed') return [`+${formatValue(bar.max)}`, '0', `-${formatValue(bar.max)}`];
  return [formatValue(bar.max), formatValue(bar.max / 2), '0'];
}

/**
 * Puts `body` under a title (and subtitle) with, when given, a colour bar on its right with
 * three ticks and a caption.
 *
 * @example
 * const png = figureWithLegend(overlay, {
 *   title: 'Grad-CAM · layer4 · tabby 62%', colorBar: { kind: 'colormap', colormap: 'viridis', min: 0, max: 0.042, caption: 'Grad-CAM' },
 * });
 */
export function figureWithLegend(body: RgbImage, labels: FigureLabels): RgbImage {
  const picture = enlargeTo(body, MIN_BODY);
  const titleH = lineHeight(TITLE_SIZE);
  const textH = lineHeight(TEXT_SIZE);
  const bar = labels.colorBar;
  const ticks = bar ? barTicks(bar) : [];
  const tickW = Math.max(0, ...ticks.map((t) => measureText(t, TEXT_SIZE).width));
  const barBlock = bar ? PAD + BAR_WIDTH + 4 + tickW : 0;
  const captionLine = bar ? `colour: ${bar.caption}` : undefined;
  const notes = [labels.subtitle, captionLine].filter((l): l is string => l !== undefined);
  const textWidth = Math.max(measureText(labels.title, TITLE_SIZE).width, ...notes.map((l) => measureText(l, TEXT_SIZE).width));
  // Text may widen the figure to 360 px or by half the picture's width; beyond that it wraps.
  const width = Math.max(picture.width + barBlock, Math.min(textWidth, Math.max(360, Math.round(1.5 * (picture.width + barBlock))))) + 2 * PAD;
  const titleLines = wrapText(labels.title, width - 2 * PAD, TITLE_SIZE);
  const noteLines = notes.flatMap((l) => wrapText(l, width - 2 * PAD, TEXT_SIZE));
  const top = PAD + titleLines.length * titleH + noteLines.length * textH + PAD;
  const barH = Math.max(picture.height, 4 * textH);
  const out = white(width, top + Math.max(picture.height, barH) + PAD + (bar ? textH / 2 : 0));
  titleLines.forEach((l, i) => drawText(out, l, PAD, PAD + i * titleH, { size: TITLE_SIZE }));
  noteLines.forEach((l, i) => drawText(out, l, PAD, PAD + titleLines.length * titleH + i * textH, { size: TEXT_SIZE, color: [80, 80, 80] }));
  blit(out, picture, PAD, top);
  if (bar) {
    const x = PAD + picture.width + PAD;
    blit(out, barImage(bar, barH), x, top);
    ticks.forEach((t, i) => {
      const y = top + Math.round((i * (barH - 1)) / 2) - Math.round(textH / 2);
      drawText(out, t, x + BAR_WIDTH + 4, Math.max(top - textH / 2, y), { size: TEXT_SIZE });
    });
  }
  return out;
}

/**
 * A colour bar on its own, horizontal (low on the left), with its caption above and three
 * ticks below: the legend of a grid of pictures that share one colour scale.
 *
 * @example
 * const legend = colorBarLegend({ kind: 'colormap', colormap: 'viridis', min: 0, max: 1, caption: 'each map scaled to [0, 1]' });
 */
export function colorBarLegend(bar: ColorBar, width = 240): RgbImage {
  const textH = lineHeight(TEXT_SIZE);
  const barH = 14;
  const [high, mid, low] = barTicks(bar);
  const captionWidth = measureText(bar.caption, TEXT_SIZE).width;
  const out = white(Math.max(width, captionWidth) + 2 * PAD, PAD + textH + 2 + barH + 2 + textH + PAD);
  drawText(out, bar.caption, PAD, PAD, { size: TEXT_SIZE, color: [80, 80, 80] });
  const t = new Float32Array(width * barH);
  for (let y = 0; y < barH; y++) for (let x = 0; x < width; x++) t[y * width + x] = x / (width - 1);
  const y0 = PAD + textH + 2;
  blit(out, applyColormap(t, width, barH, bar.kind === 'colormap' ? bar.colormap : 'gray'), PAD, y0);
  const tickY = y0 + barH + 2;
  drawText(out, low, PAD, tickY, { size: TEXT_SIZE });
  drawText(out, mid, PAD + Math.round((width - measureText(mid, TEXT_SIZE).width) / 2), tickY, { size: TEXT_SIZE });
  drawText(out, high, PAD + width - measureText(high, TEXT_SIZE).width, tickY, { size: TEXT_SIZE });
  return out;
}
