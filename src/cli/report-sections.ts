/**
 * The `convlens report` page from the per-model runs: an overview, then per model its
 * predictions and one section per method, then (with two or more models) one comparison
 * section per method with each model as a column. Section ids are stable so readers can
 * link to them and tests can find them: `overview`, `model-<model>`, `model-<model>--<method>`,
 * `compare`, `compare-<method>` (names slugified, `+` spelled `plus`; slugs never hold
 * `--`, so a model's and a method's ids cannot collide).
 */
import type { MethodEntry } from '../methods/registry.js';
import {
  bulletList, figureRow, imageGrid, note, numberTable, paragraph, ReportBuilder, slugify, type GridCell, type ReportBlock, type TextPart,
} from '../render/report/index.js';
import { colorBarLegend, type ColorBar } from '../render/figure.js';
import { defaultOverlay, type MethodImageOptions } from '../render/method-image.js';
import type { MethodPictures, MethodRun, ModelRun } from './report-runs.js';

export interface ReportContext {
  /** Input image names (file stems), in order. */
  images: string[];
  methods: readonly MethodEntry[];
  /** `--layer` and `--target` as given, for the record. */
  layer?: string;
  target?: string;
  /** Heatmap colours and opacity, as drawn. */
  figure?: MethodImageOptions;
}

/** The colour bar under a method's pictures: what their colours mean. */
function legend(display: MethodPictures['display'], context: ReportContext): ReportBlock {
  const colormap = context.figure?.colormap ?? defaultOverlay.colormap;
  const alpha = context.figure?.alpha ?? defaultOverlay.alpha;
  const bar: ColorBar = display === 'heatmap'
    ? { kind: 'colormap', colormap, min: 0, max: 1, caption: `each map scaled from its minimum (0) to its maximum (1), over the picture at opacity ${alpha}` }
    : { kind: 'signed', max: 1, caption: 'input gradient per colour channel, scaled to its 99th percentile of |gradient| (±1)' };
  const image = colorBarLegend(bar);
  return figureRow([{ image, caption: 'colour scale', width: image.width }]);
}

/** Section id of each model: its slug, numbered when two models slugify alike. */
function modelIds(runs: ModelRun[]): string[] {
  const seen = new Set<string>();
  return runs.map((r) => {
    const base = `model-${slugify(r.name)}`;
    let id = base;
    for (let k = 2; seen.has(id); k++) id = `${base}-${k}`;
    seen.add(id);
    return id;
  });
}

const skipNote = (run: Extract<MethodRun, { skipped: unknown }>): ReportBlock =>
  note('warning', { strong: 'Skipped' }, ': this method could not run on this model. ', { code: run.skipped.code }, `: ${run.skipped.message}`);

function overview(report: ReportBuilder, runs: ModelRun[], context: ReportContext): void {
  const settings: TextPart[] = [
    `${context.images.length} image${context.images.length === 1 ? '' : 's'} (${context.images.join(', ')}), `,
    `${runs.length} model${runs.length === 1 ? '' : 's'}, ${context.methods.length} method${context.methods.length === 1 ? '' : 's'}. Target: `,
    { code: context.target ?? 'top1' }, '; layer for CAM methods: ', context.layer ? { code: context.layer } : 'each method\'s default', '.',
  ];
  const table = numberTable({
    columns: ['model', 'file', 'input (H x W)', 'methods shown', 'methods skipped'],
    rows: runs.map((r) => {
      const skipped = r.methods.filter((m) => 'skipped' in m).length;
      return [r.name, r.source, `${r.inputSize[0]} x ${r.inputSize[1]}`, r.methods.length - skipped, skipped];
    }),
  });
  const skips = runs.flatMap((r) => r.methods.flatMap((m) => ('skipped' in m
    ? [[{ strong: `${m.method.name} on ${r.name}` }, ': ', { code: m.skipped.code }, ` (${m.skipped.message})`] as TextPart[]]
    : [])));
  const blocks: ReportBlock[] = [paragraph(...settings), table];
  if (skips.length > 0) blocks.push(paragraph('Methods that could not run on a model, and why:'), bulletList(skips));
  report.section({ title: 'Overview', id: 'overview' }, ...blocks);
}

function modelSections(report: ReportBuilder, run: ModelRun, id: string, context: ReportContext): void {
  report.section({ title: `Model ${run.name}`, id },
    paragraph(`The inputs as the model sees them (preprocessed to ${run.inputSize[0]} x ${run.inputSize[1]}), and `
      + (run.values ? 'the values it predicts for each.' : 'its five most probable classes for each.')),
    figureRow(run.inputs.map((image, i) => ({ image, caption: context.images[i] }))),
    numberTable(run.values
      ? {
        columns: ['image', 'output', 'label', 'value'],
        rows: run.predictions.flatMap((all, i) => all.map((p) => [context.images[i], p.index, p.label, p.percent])),
        digits: 3,
        caption: `Outputs of ${run.name}`,
      }
      : {
        columns: ['image', 'rank', 'class', 'label', 'probability %'],
        rows: run.predictions.flatMap((top, i) => top.map((p) => [context.images[i], p.rank, p.index, p.label, p.percent])),
        digits: 1,
        caption: `Top-5 predictions of ${run.name}`,
      }));
  for (const m of run.methods) {
    const about: ReportBlock = paragraph({ code: m.method.name }, `: ${m.method.description}.`);
    const title = { title: `${m.method.name} on ${run.name}`, id: `${id}--${slugify(m.method.name)}`, level: 3 as const };
    if ('skipped' in m) report.section(title, about, skipNote(m));
    // Images as columns: one row per explained class keeps the usual single-class case on one line.
    else {
      const cells = m.targetLabels.map((_, k) => context.images.map((_, r) => m.cells[r][k]));
      report.section(title, about, imageGrid({ rowLabels: m.targetLabels, columnLabels: context.images, cells }), legend(m.display, context));
    }
  }
  if (run.synthesis) report.section({ title: `What the predicted classes of ${run.name} respond to most`, id: `${id}--synthesis`, level: 3 }, ...run.synthesis);
}

function comparisonSections(report: ReportBuilder, runs: ModelRun[], context: ReportContext): void {
  report.section({ title: 'Comparison across models', id: 'compare' },
    paragraph('Each method once more, with the models side by side. Every map is scaled to its own range, so compare where a model looks, not how strongly.'));
  for (const [k, method] of context.methods.entries()) {
    const columnLabels: string[] = [];
    const columns: ((row: number) => GridCell)[] = [];
    let display: MethodPictures['display'] | undefined;
    for (const run of runs) {
      const m = run.methods[k];
      if ('skipped' in m) {
        columnLabels.push(run.name);
        columns.push(() => ({ caption: `skipped: ${m.skipped.code}` }));
      } else {
        display = m.display;
        m.targetLabels.forEach((label, c) => {
          columnLabels.push(m.targetLabels.length === 1 ? run.name : `${run.name}: ${label}`);
          columns.push((row) => m.cells[row][c]);
        });
      }
    }
    report.section({ title: `${method.name} across models`, id: `compare-${slugify(method.name)}`, level: 3 },
      paragraph({ code: method.name }, `: ${method.description}.`),
      imageGrid({ rowLabels: context.images, columnLabels, cells: context.images.map((_, row) => columns.map((cell) => cell(row))) }),
      ...(display ? [legend(display, context)] : []));
  }
}

/**
 * The whole report, ready for `toHtml()`.
 *
 * @example
 * const html = buildReport(runs, { images: ['cat', 'dog'], methods: methodRegistry }).toHtml();
 */
export function buildReport(runs: ModelRun[], context: ReportContext): ReportBuilder {
  const report = new ReportBuilder('convlens report', {
    lead: `What ${runs.map((r) => r.name).join(', ')} see${runs.length === 1 ? 's' : ''} in ${context.images.join(', ')}.`,
  });
  overview(report, runs, context);
  const ids = modelIds(runs);
  runs.forEach((run, i) => modelSections(report, run, ids[i], context));
  if (runs.length >= 2) comparisonSections(report, runs, context);
  return report;
}
