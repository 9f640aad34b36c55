/**
 * The strategy view drawn: each cluster of a class's explanation maps as one row, its mean
 * map first and its most typical images after, largest cluster on top; the Laplacian's
 * eigenvalues beside it, so the reader sees why there are that many clusters. The same
 * pictures serve the PNG figure, the HTML page and the demo. dataset/strategy-view.ts
 * gathers what is drawn.
 */
import type { StrategyRow, StrategyView } from '../dataset/strategy-view.js';
import { applyColormap } from '../image/colormap.js';
import { rowColumnFigure } from '../image/grid.js';
import { overlayHeatmap } from '../image/overlay.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import { upscaleNearest } from '../image/tiles.js';
import { enlargeTo, figureWithLegend } from './figure.js';
import { lineChart } from './line-chart.js';
import { figureRow, imageGrid, numberTable, paragraph, ReportBuilder, type GridCell, type ReportBlock } from './report/index.js';

/** Displayed cell side in pixels: small inputs are enlarged by whole pixels to about this. */
const CELL = 128;
const OVERLAY_ALPHA = 0.5;

const percent = (v: number) => `${(100 * v).toFixed(0)}%`;
const rowLabel = (r: StrategyRow, k: number) => `#${k + 1}: ${r.size} (${percent(r.share)})${r.note ? `, ${r.note}` : ''}`;
const enlarge = (img: RgbImage) => enlargeTo(img, CELL);

/** The mean map in colour, on the same 0-to-1 scale for every cluster so that they compare. */
function meanImage(view: StrategyView, r: StrategyRow): RgbImage {
  const [h, w] = view.viewSize;
  return applyColormap(r.meanMap, w, h, 'viridis');
}

/**
 * The figure: one row per cluster, largest first, "mean map" then the examples with their
 * maps over them, and a colour bar for the 0-to-1 scale of the maps.
 *
 * @example
 * const png = encodePng(strategiesFigure(view));
 */
export function strategiesFigure(view: StrategyView): RgbImage {
  const examples = Math.max(...view.rows.map((r) => r.examples.length));
  const cells = view.rows.map((r) => [meanImage(view, r), ...r.examples.map((e) => overlayHeatmap(e.image, e.map, { alpha: OVERLAY_ALPHA }))].map(enlarge));
  const grid = rowColumnFigure(cells, {
    rowLabels: view.rows.map(rowLabel),
    columnLabels: ['mean map', ...Array.from({ length: examples }, (_, k) => (k === 0 ? 'most typical' : `example ${k + 1}`))],
  });
  return figureWithLegend(grid, {
    title: view.title,
    subtitle: `${view.clusters} cluster${view.clusters === 1 ? '' : 's'} (eigengap ${view.eigengap.toFixed(3)}); rows: cluster, images (share of the class)`,
    colorBar: { kind: 'colormap', colormap: 'viridis', min: 0, max: 1, caption: 'map (each scaled to [0, 1])' },
  });
}

/**
 * The smallest eigenvalues of the graph Laplacian by rank: the jump after the chosen count is
 * the eigengap.
 *
 * @example
 * const png = encodePng(eigenvalueChart(view));
 */
export function eigenvalueChart(view: StrategyView): RgbImage {
  const x = view.eigenvalues.map((_, i) => i + 1);
  return lineChart([
    { label: 'eigenvalue', x, y: view.eigenvalues },
    { label: `gap after ${view.clusters}`, x: [view.clusters, view.clusters + 1], y: [view.eigenvalues[view.clusters - 1], view.eigenvalues[view.clusters]] },
  ], { title: 'Smallest eigenvalues of the normalized graph Laplacian', xLabel: 'rank', yLabel: 'eigenvalue' });
}

/**
 * Report blocks of the view: how to read it, the eigenvalues, a table of the clusters and the
 * grid of mean maps and examples.
 *
 * @example
 * report.section('Strategies', ...strategyBlocks(view));
 */
export function strategyBlocks(view: StrategyView): ReportBlock[] {
  const examples = Math.max(...view.rows.map((r) => r.examples.length));
  // Seven columns of this width fit the page beside the row labels.
  const width = 104;
  const chart = eigenvalueChart(view);
  const cells: GridCell[][] = view.rows.map((r) => [
    { image: upscaleNearest(meanImage(view, r), Math.max(1, Math.floor(width / view.viewSize[1]))), caption: `${r.size} images, ${percent(r.share)}${r.note ? `, ${r.note}` : ''}` },
    ...r.examples.map((e) => ({ image: overlayHeatmap(e.image, e.map, { alpha: OVERLAY_ALPHA }), caption: e.caption })),
  ]);
  return [
    paragraph('Each row is one cluster of the class\'s explanation maps: one way the model decides for the class. ',
      'The first column is the cluster\'s mean map (0 to 1, the same scale in every row); the others are its most typical images with their own maps. ',
      `The clusters come from spectral clustering of the maps; their number (${view.clusters}) is where the eigenvalues below jump the most.`),
    figureRow([{ image: chart, caption: `eigengap ${view.eigengap.toFixed(3)} after ${view.clusters}`, width: chart.width }]),
    numberTable({
      columns: ['cluster', 'images', 'share of the class (%)', ...(view.rows.some((r) => r.note) ? ['note'] : [])],
      rows: view.rows.map((r, k) => [`#${k + 1}`, r.size, 100 * r.share, ...(view.rows.some((x) => x.note) ? [r.note ?? ''] : [])]),
      digits: 1,
    }),
    imageGrid({
      caption: 'Clusters, largest first: mean map and most typical images',
      rowLabels: view.rows.map((_, k) => `#${k + 1}`),
      columnLabels: ['mean map', ...Array.from({ length: examples }, (_, k) => (k === 0 ? 'most typical' : `example ${k + 1}`))],
      cells,
      cellWidth: width,
    }),
  ];
}

/**
 * The view as one self-contained HTML page.
 *
 * @example
 * writeFileSync('strategies.html', strategiesPage(view, ['model horses.onnx; 212 images of class horse']));
 */
export function strategiesPage(view: StrategyView, notes: string[] = []): string {
  const report = new ReportBuilder(`Strategies of ${view.title}`, { lead: notes.join(' '), contents: false });
  report.section({ title: 'Clusters of the explanation maps', id: 'strategies' }, ...strategyBlocks(view));
  return report.toHtml();
}
