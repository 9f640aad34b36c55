/**
 * An evaluation table as report blocks: methods by metrics (mean ± spread over the images,
 * with which direction is better), the sanity flag of the randomization check, and the mean
 * curves behind the numbers as line charts.
 */
import type { EvaluationTable } from '../evaluate/method-table.js';
import type { MetricCurves, MetricName } from '../evaluate/evaluate.js';
import { figureRow, note, numberTable, paragraph, type Figure, type ReportBlock } from './report/index.js';
import { lineChart } from './line-chart.js';

/** `0.12 ± 0.05` with `digits` decimals. */
export function formatMeanSpread(mean: number, spread: number, digits = 2): string {
  return Number.isFinite(mean) ? `${mean.toFixed(digits)} ± ${spread.toFixed(digits)}` : 'n/a';
}

const meanCurve = (c: MetricCurves) => c.x.map((_, i) => c.perImage.reduce((s, row) => s + row[i], 0) / c.perImage.length);

/** How to read each metric's columns. */
const readings: Record<MetricName, string> = {
  deletion: 'Deletion: area under the probability curve as pixels are set to zero, most relevant first (RISE). ',
  insertion: 'Insertion: the same as pixels are restored onto a blurred copy. ',
  road: 'ROAD: probability with the most (MoRF) or least (LeRF) relevant 10–90 % of pixels imputed from their neighbours; gap = LeRF − MoRF. ',
  drop: 'Drop and increase: confidence when the model sees only the input times the map. ',
  pointing: 'Pointing and energy: the map\'s peak and the share of its mass in the object boxes. ',
  randomization: 'MPRT: rank correlation with the original map at the end of the cascading randomization, layers with weights randomized from the top down '
    + '(single: one layer at a time, averaged); sanity says INSENSITIVE when the map keeps a rank correlation above 0.5 there. ',
};

/** Methods flagged by the randomization check, with their final mean rank correlation. */
export function insensitiveMethods(table: EvaluationTable): { method: string; correlation: number; layers: number }[] {
  const k = table.metrics.indexOf('randomization');
  if (k < 0) return [];
  return table.rows.flatMap((r) => {
    const e = r.evaluations[k];
    return e?.insensitive ? [{ method: r.method, correlation: e.scores[0].mean, layers: e.layers?.length ?? 0 }] : [];
  });
}

/** The methods-by-metrics table as one table block; every cell is mean ± spread, plus a sanity column when randomization ran. */
export function evaluationTableBlock(table: EvaluationTable, caption?: string): ReportBlock {
  const first = table.rows.find((r) => !r.skipped);
  const columns = first ? first.evaluations.flatMap((e) => e.scores.map((s) => `${s.short} ${s.better === 'lower' ? '↓' : '↑'}`)) : [];
  const randomization = table.metrics.indexOf('randomization');
  const rows = table.rows.map((r) => {
    if (r.skipped) return [r.method, ...columns.map(() => '–'), ...(randomization >= 0 ? ['not applicable'] : [])];
    const cells = r.evaluations.flatMap((e) => e.scores.map((s) => formatMeanSpread(s.mean, s.spread, s.name.endsWith('%') ? 0 : 2)));
    const sanity = randomization >= 0 ? [r.evaluations[randomization].insensitive ? 'INSENSITIVE' : 'ok'] : [];
    return [r.method, ...cells, ...sanity];
  });
  return numberTable({ columns: ['method', ...columns, ...(randomization >= 0 ? ['sanity'] : [])], rows, caption });
}

/** One line chart per kind of curve, one line per method (the mean over images). */
export function evaluationCurveFigures(table: EvaluationTable): Figure[] {
  const byName = new Map<string, { curves: MetricCurves; method: string }[]>();
  for (const r of table.rows) for (const e of r.evaluations) for (const c of e.curves) byName.set(c.name, [...(byName.get(c.name) ?? []), { curves: c, method: r.method }]);
  return [...byName].map(([name, list]) => {
    const { xLabel, yLabel } = list[0].curves;
    const correlation = yLabel === 'rank correlation';
    const probability = yLabel === 'target probability';
    const image = lineChart(list.map(({ curves, method }) => ({ label: method, x: curves.x, y: meanCurve(curves) })), {
      title: name, xLabel, yLabel: `${yLabel}, mean of ${table.images} image${table.images === 1 ? '' : 's'}`,
      yRange: correlation ? [-1, 1] : probability ? [0, 1] : undefined,
    });
    return { image, caption: `${name}: ${yLabel} against ${xLabel}`, width: image.width };
  });
}

/**
 * The blocks of an evaluation: how to read it, the table, a warning naming every method the
 * randomization check flags, the skipped methods, and the curves.
 *
 * @example
 * report.section('Evaluation', ...evaluationBlocks(await evaluateMethods(model, x, methods, ['deletion', 'randomization'])));
 */
export function evaluationBlocks(table: EvaluationTable, options: { caption?: string } = {}): ReportBlock[] {
  const blocks: ReportBlock[] = [
    paragraph(`Each cell is the mean ± standard deviation over ${table.images} image${table.images === 1 ? '' : 's'}; `,
      { strong: '↓' }, ' lower is better, ', { strong: '↑' }, ' higher is better. Each image is explained and scored for the same class. ',
      ...table.metrics.map((m) => readings[m])),
    evaluationTableBlock(table, options.caption),
  ];
  const flagged = insensitiveMethods(table);
  if (flagged.length > 0) {
    blocks.push(note('warning', { strong: 'Insensitive to the model' }, ': ',
      flagged.map((f) => `${f.method} (rank correlation ${f.correlation.toFixed(2)})`).join(', '),
      `${flagged.length === 1 ? ' keeps' : ' keep'} more than 0.5 rank correlation with the original map after the top ${flagged[0].layers} layers with weights are randomized, so ${flagged.length === 1 ? 'its map says' : 'their maps say'} little about what this model learned.`));
  } else if (table.metrics.includes('randomization')) {
    blocks.push(note('info', 'Sanity check passed: every method\'s map changes when the model\'s weights are randomized (rank correlation 0.5 or below at the end of the cascade).'));
  }
  const skipped = table.rows.filter((r) => r.skipped);
  if (skipped.length > 0) blocks.push(note('info', 'Not applicable to this model: ', skipped.map((r) => `${r.method} (${r.skipped!.message})`).join('; ')));
  const figures = evaluationCurveFigures(table);
  if (figures.length > 0) blocks.push(figureRow(figures));
  return blocks;
}
