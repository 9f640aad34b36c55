/**
 * The content blocks a report section holds, as plain data with one constructor each.
 * Blocks carry pictures as RgbImage; they become PNG data URLs only when the page is written.
 */
import type { RgbImage } from '../../preprocess/rgb-image.js';

/** A run of text; `strong` and `code` parts are set in bold and monospace. */
export type TextPart = string | { strong: string } | { code: string };

/** One picture with an optional caption. `width` is the displayed width in CSS pixels. */
export interface Figure {
  image: RgbImage;
  caption?: string;
  /** Alternative text; defaults to the caption. */
  alt?: string;
  width?: number;
}

/** A grid cell: a picture with a caption, or text alone (e.g. why a cell is empty). */
export interface GridCell {
  image?: RgbImage;
  caption?: string;
}

export interface ParagraphBlock { kind: 'paragraph'; parts: TextPart[] }
export interface ListBlock { kind: 'list'; items: TextPart[][] }
export interface NoteBlock { kind: 'note'; tone: 'info' | 'warning'; parts: TextPart[] }
export interface FiguresBlock { kind: 'figures'; figures: Figure[] }
export interface GridBlock {
  kind: 'grid';
  rowLabels: string[];
  columnLabels: string[];
  /** `cells[row][column]`; `null` leaves a cell empty. */
  cells: (GridCell | null)[][];
  /** Displayed width of every picture in CSS pixels; default from the pictures' size. */
  cellWidth?: number;
  caption?: string;
}
export interface TableBlock {
  kind: 'table';
  columns: string[];
  rows: (string | number)[][];
  /** Decimals for non-integer numbers; default 3. */
  digits?: number;
  caption?: string;
}

export type ReportBlock = ParagraphBlock | ListBlock | NoteBlock | FiguresBlock | GridBlock | TableBlock;

/**
 * A paragraph of text.
 *
 * @example
 * paragraph('Explained with ', { code: 'gradcam' }, ' at layer ', { strong: 'layer4' }, '.');
 */
export function paragraph(...parts: TextPart[]): ParagraphBlock {
  return { kind: 'paragraph', parts };
}

/**
 * A bulleted list; each item is a string or a list of text parts.
 *
 * @example
 * bulletList(['first', [{ strong: 'cam' }, ': skipped']]);
 */
export function bulletList(items: (string | TextPart[])[]): ListBlock {
  return { kind: 'list', items: items.map((i) => (typeof i === 'string' ? [i] : i)) };
}

/**
 * A highlighted remark: `warning` for things the reader must not miss (a skipped method).
 *
 * @example
 * note('warning', { strong: 'Skipped' }, ': the model has no CAM head.');
 */
export function note(tone: 'info' | 'warning', ...parts: TextPart[]): NoteBlock {
  return { kind: 'note', tone, parts };
}

/**
 * Pictures side by side, each with its caption.
 *
 * @example
 * figureRow([{ image: input, caption: 'input' }, { image: overlay, caption: 'Grad-CAM' }]);
 */
export function figureRow(figures: Figure[]): FiguresBlock {
  return { kind: 'figures', figures };
}

/**
 * A labelled rows x columns table of pictures (rows are usually inputs, columns methods,
 * models or classes).
 *
 * @example
 * imageGrid({ rowLabels: ['cat'], columnLabels: ['resnet', 'vgg'], cells: [[{ image: a, caption: 'tabby 62%' }, { caption: 'skipped' }]] });
 */
export function imageGrid(grid: Omit<GridBlock, 'kind'>): GridBlock {
  return { kind: 'grid', ...grid };
}

/**
 * A table of numbers (and text); integers are shown as they are, other numbers with `digits` decimals.
 *
 * @example
 * numberTable({ columns: ['class', 'probability %'], rows: [['tabby', 62.14]], digits: 1 });
 */
export function numberTable(table: Omit<TableBlock, 'kind'>): TableBlock {
  return { kind: 'table', ...table };
}
