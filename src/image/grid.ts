/**
 * Figures assembled from tiles: a labelled grid (filters, feature maps, top-K images) and a
 * rows x columns comparison figure (images x methods). Labels use the built-in outline font
 * (text.ts), so figures need no canvas and look the same in Node and in the browser.
 */
import { ConvlensError } from '../errors.js';
import { DEFAULT_TEXT_SIZE, drawText, fitText, lineHeight, measureText } from './text.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import { assertRgbImage } from '../preprocess/rgb-image.js';

type Rgb = [number, number, number];

/** Options shared by {@link makeGrid} and {@link rowColumnFigure}. */
export interface FigureStyle {
  /** Pixels between tiles and around the figure; default 2. */
  padding?: number;
  /** Default white `[255, 255, 255]`. */
  background?: Rgb;
  /** Text colour; default black on light backgrounds, white on dark ones. */
  labelColor?: Rgb;
  /** Label text size in pixels per em (6 to 64); default 13. */
  labelSize?: number;
}

/** Options of {@link makeGrid}. */
export interface GridOptions extends FigureStyle {
  /** Tiles per row; default `ceil(sqrt(n))`. */
  columns?: number;
  /** Caption under each tile, in tile order; missing entries leave the caption empty. */
  labels?: string[];
  /** Widen the cells to the longest caption instead of cutting captions to the tile width. */
  fitLabels?: boolean;
}

interface Style { padding: number; background: Rgb; labelColor: Rgb; size: number }

function resolveStyle(o: FigureStyle): Style {
  const padding = o.padding ?? 2;
  if (!Number.isInteger(padding) || padding < 0) {
    throw new ConvlensError('BAD_OPTION', `Figure padding must be a whole number of pixels >= 0, got ${String(o.padding)}.`);
  }
  const size = o.labelSize ?? DEFAULT_TEXT_SIZE;
  if (!(size >= 6 && size <= 64)) {
    throw new ConvlensError('BAD_OPTION', `labelSize must be a number of pixels from 6 to 64, got ${String(o.labelSize)}.`);
  }
  const background = o.background ?? [255, 255, 255];
  const luminance = 0.299 * background[0] + 0.587 * background[1] + 0.114 * background[2];
  return { padding, background, size, labelColor: o.labelColor ?? (luminance < 128 ? [255, 255, 255] : [0, 0, 0]) };
}

function blankImage(width: number, height: number, colour: Rgb): RgbImage {
  const data = new Uint8ClampedArray(width * height * 3);
  for (let i = 0; i < data.length; i += 3) {
    data[i] = colour[0]; data[i + 1] = colour[1]; data[i + 2] = colour[2];
  }
  return { width, height, data };
}

function blit(dst: RgbImage, src: RgbImage, x: number, y: number): void {
  for (let row = 0; row < src.height; row++) {
    const from = row * src.width * 3;
    dst.data.set(src.data.subarray(from, from + src.width * 3), ((y + row) * dst.width + x) * 3);
  }
}

/** Draws `text` centred in the box `[x, x + width)`, cut to fit. */
function centredLabel(img: RgbImage, text: string, x: number, y: number, width: number, style: Style): void {
  const fitted = fitText(text, width, style.size);
  const w = measureText(fitted, style.size).width;
  drawText(img, fitted, x + Math.floor((width - w) / 2), y, { size: style.size, color: style.labelColor });
}

/**
 * Lays tiles out in a grid, row by row, each centred in a cell as large as the largest
 * tile, with an optional caption under each tile (cut with `…` if wider than the cell).
 *
 * @example
 * const sheet = makeGrid(filters, { columns: 8, padding: 1, labels: filters.map((_, i) => `#${i}`) });
 */
export function makeGrid(images: RgbImage[], options: GridOptions = {}): RgbImage {
  if (!Array.isArray(images) || images.length === 0) {
    throw new ConvlensError('BAD_INPUT', 'makeGrid needs at least one image.');
  }
  images.forEach((img, i) => assertRgbImage(img, `grid tile ${i}`));
  const style = resolveStyle(options);
  const columns = options.columns ?? Math.ceil(Math.sqrt(images.length));
  if (!Number.isInteger(columns) || columns < 1) {
    throw new ConvlensError('BAD_OPTION', `Grid columns must be a positive integer, got ${String(options.columns)}.`);
  }
  const labels = options.labels;
  const cols = Math.min(columns, images.length);
  const rows = Math.ceil(images.length / cols);
  const widest = options.fitLabels && labels ? Math.max(0, ...labels.map((l) => (l ? measureText(l, style.size).width + 2 : 0))) : 0;
  const cellW = Math.max(widest, ...images.map((im) => im.width));
  const cellH = Math.max(...images.map((im) => im.height));
  // Caption band: a line of text and a small gap above it.
  const labelH = labels && labels.length ? lineHeight(style.size) + 2 : 0;
  const pad = style.padding;
  const out = blankImage(cols * cellW + (cols + 1) * pad, rows * (cellH + labelH) + (rows + 1) * pad, style.background);
  images.forEach((img, i) => {
    const x = pad + (i % cols) * (cellW + pad);
    const y = pad + Math.floor(i / cols) * (cellH + labelH + pad);
    blit(out, img, x + Math.floor((cellW - img.width) / 2), y + Math.floor((cellH - img.height) / 2));
    const label = labels?.[i];
    if (label) centredLabel(out, label, x, y + cellH + 2, cellW, style);
  });
  return out;
}

/** Options of {@link rowColumnFigure}. */
export interface RowColumnOptions extends FigureStyle {
  /** Written left of each row (e.g. image names). */
  rowLabels?: string[];
  /** Written above each column (e.g. method names), cut to the cell width. */
  columnLabels?: string[];
}

/**
 * A comparison figure: `cells[row][column]`, e.g. one row per image and one column per
 * method, with row labels on the left and column labels on top. Rows may be shorter than
 * others; missing cells stay background.
 *
 * @example
 * const fig = rowColumnFigure([[cat, catCam, catSal], [dog, dogCam, dogSal]], {
 *   rowLabels: ['cat.jpg', 'dog.jpg'], columnLabels: ['input', 'gradcam', 'saliency'],
 * });
 */
export function rowColumnFigure(cells: RgbImage[][], options: RowColumnOptions = {}): RgbImage {
  if (!Array.isArray(cells) || cells.length === 0 || !cells.some((r) => Array.isArray(r) && r.length > 0)) {
    throw new ConvlensError('BAD_INPUT', 'rowColumnFigure needs at least one row with one image.');
  }
  const style = resolveStyle(options);
  const all: RgbImage[] = [];
  cells.forEach((row, r) => row.forEach((img, c) => {
    assertRgbImage(img, `figure cell [${r}][${c}]`);
    all.push(img);
  }));
  const rows = cells.length;
  const cols = Math.max(...cells.map((r) => r.length), options.columnLabels?.length ?? 0);
  const cellW = Math.max(...all.map((im) => im.width));
  const cellH = Math.max(...all.map((im) => im.height));
  const pad = style.padding;
  const textH = lineHeight(style.size);
  const gap = Math.max(pad, 4);
  const rowLabels = options.rowLabels ?? [];
  const columnLabels = options.columnLabels ?? [];
  const left = rowLabels.length ? Math.max(...rowLabels.map((t) => measureText(t, style.size).width)) + gap : 0;
  const top = columnLabels.length ? textH + gap : 0;
  const out = blankImage(left + cols * cellW + (cols + 1) * pad, top + rows * cellH + (rows + 1) * pad, style.background);
  columnLabels.forEach((label, c) => {
    centredLabel(out, label, left + pad + c * (cellW + pad), pad, cellW, style);
  });
  cells.forEach((row, r) => {
    const y = top + pad + r * (cellH + pad);
    if (rowLabels[r]) {
      drawText(out, rowLabels[r], pad, y + Math.floor((cellH - textH) / 2), { size: style.size, color: style.labelColor });
    }
    row.forEach((img, c) => {
      const x = left + pad + c * (cellW + pad);
      blit(out, img, x + Math.floor((cellW - img.width) / 2), y + Math.floor((cellH - img.height) / 2));
    });
  });
  return out;
}
