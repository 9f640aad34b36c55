/**
 * Comparison figures: a comparison's maps as a labelled rows x columns picture (rows are
 * inputs), each cell captioned with the explained class and its probability, under a title
 * and beside a colour bar. methods/comparison.ts computes what is drawn.
 */
import { makeGrid, rowColumnFigure } from '../image/grid.js';
import type { Comparison, ComparisonColumn } from '../methods/comparison.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import { enlargeTo, figureWithLegend, formatPercent, formatValue, type ColorBar } from './figure.js';
import { defaultOverlay, itemOf, methodImage, type MethodImageOptions } from './method-image.js';
import { argmaxRow, softmax } from '../numeric/softmax.js';

export interface ComparisonFigureOptions extends Pick<MethodImageOptions, 'colormap' | 'alpha'> {
  /** Appended to the figure's title, e.g. the model's name. */
  subject?: string;
}

export interface ComparisonFigure {
  figure: RgbImage;
  rowLabels: string[];
  columnLabels: string[];
  /** Caption under each cell: the explained class and its probability, or the output and its value (empty under the inputs themselves). */
  captions: string[][];
}

/** "tabby 62.1%" for input `i`'s explained class (or its top-1 for weight targets); "sensor 3 = 0.44" for a regression (just "= 0.44" under a column named after the output). */
function caption(column: ComparisonColumn, i: number): string {
  if (!column.result) return '';
  const m = column.result.image.indexOf(i);
  const scores = itemOf(column.result.scores, m).data;
  const c = column.result.target[m] ?? argmaxRow(scores, 0, scores.length);
  const name = String(column.labels?.[c] ?? (column.values ? `output ${c}` : c));
  if (!column.values) return `${name} ${formatPercent(softmax(scores)[c])}`;
  // A value is as wide as a name, so the output is named only when the column does not say it.
  return column.label === name ? `= ${formatValue(scores[c])}` : `${name} = ${formatValue(scores[c])}`;
}

function cell(column: ComparisonColumn, i: number, options: ComparisonFigureOptions): RgbImage {
  return column.result ? methodImage(column.result, column.result.image.indexOf(i), column.seen, options) : column.seen[i];
}

/**
 * Draws a comparison: one row per input, one column per model, layer, class (or the input
 * beside its map), cells enlarged to at least 128 pixels.
 *
 * @example
 * const { figure } = comparisonFigure(await compare(images, 'gradcam', { by: 'class', model, targets: ['tabby', 'golden retriever'] }), { subject: 'resnet50' });
 * writeFileSync('classes.png', encodePng(figure));
 */
export function comparisonFigure(comparison: Comparison, options: ComparisonFigureOptions = {}): ComparisonFigure {
  const { columns, rowLabels } = comparison;
  const captions = rowLabels.map((_, r) => columns.map((c) => caption(c, r)));
  const cells = rowLabels.map((_, r) => columns.map((c, k) => makeGrid([enlargeTo(cell(c, r, options), 128)], { columns: 1, labels: [captions[r][k]], fitLabels: true })));
  const columnLabels = columns.map((c) => c.label);
  const regression = columns.some((c) => c.values);
  const along = { model: 'models', layer: 'layers', class: regression ? 'outputs' : 'classes', input: 'inputs' }[comparison.by];
  const colorBar: ColorBar = columns.some((c) => c.result?.display === 'gradient')
    ? { kind: 'signed', max: 1, caption: 'input gradients, each picture scaled to its 99th percentile of |gradient|' }
    : { kind: 'colormap', colormap: options.colormap ?? defaultOverlay.colormap, min: 0, max: 1, caption: 'each map scaled from its minimum (0) to its maximum (1)' };
  const title = [`${comparison.method} across ${along}`, comparison.layer ? `layer ${comparison.layer}` : undefined, options.subject].filter(Boolean).join(' · ');
  return {
    figure: figureWithLegend(rowColumnFigure(cells, { rowLabels, columnLabels }), { title, colorBar }),
    rowLabels,
    columnLabels,
    captions,
  };
}
