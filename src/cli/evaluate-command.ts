/**
 * `convlens evaluate`: how faithful each method's maps are for one model, and whether they
 * depend on what the model learned. Writes one self-contained HTML page (the methods-by-metrics
 * table and the curves) and prints the table.
 */
import { checkMetric, metricNames, type MetricName } from '../evaluate/evaluate.js';
import { evaluateMethods, type EvaluationTable } from '../evaluate/method-table.js';
import { findMethod, methodRegistry, type MethodEntry } from '../methods/registry.js';
import { loadImage } from '../node/index.js';
import { evaluationBlocks, formatMeanSpread, insensitiveMethods } from '../render/evaluation-section.js';
import { ReportBuilder } from '../render/report/index.js';
import { readBoxesFile } from './boxes-file.js';
import { defineCommand, parseCommandLine, usageError } from './command-line.js';
import { methodFlags, parseMethodOptions } from './method-options.js';
import { modelFlags, openModelFromFlags } from './options.js';
import { ProgressDisplay } from './progress.js';
import { reportTarget, writeReport } from './report-file.js';

const defaultName = 'convlens-evaluation.html';

export const evaluateSpec = defineCommand({
  name: 'evaluate',
  summary: 'How faithful each method\'s maps are for one model, and whether they depend on what it learned: '
    + 'a methods-by-metrics table with means and spreads over the images, and the curves, as one HTML page.',
  positionals: { name: 'IMAGE...', min: 1, help: 'pictures to evaluate the explanations on' },
  flags: {
    ...modelFlags,
    methods: { type: 'string', value: 'M1,M2|all', help: `methods to evaluate (default all): ${methodRegistry.map((m) => m.name).join(', ')}` },
    metrics: { type: 'string', value: 'M1,M2|all', help: `metrics (default all that apply): ${metricNames.join(', ')}` },
    boxes: { type: 'string', value: 'FILE.csv', help: 'object boxes for the pointing game and energy in box: lines image,x,y,width,height in model-input pixels' },
    tolerance: { type: 'string', value: 'PX', help: 'pointing game tolerance in pixels (default 15)' },
    'randomize-layers': { type: 'string', value: 'N', help: 'layers the randomization check cascades through from the top (default all)' },
    out: { type: 'string', value: 'FILE.html', help: `the page, or a folder to write ${defaultName} into (default ${defaultName})` },
    ...methodFlags,
  },
  notes: ['Example: convlens evaluate cat.jpg dog.png --model resnet50.onnx --methods gradcam,saliency --boxes boxes.csv --out eval.html'],
});

function listOption(value: string | undefined, flag: string): string[] | undefined {
  if (value === undefined || value.trim() === 'all') return undefined;
  const names = [...new Set(value.split(',').map((v) => v.trim()).filter((v) => v.length > 0))];
  if (names.length === 0) throw usageError('evaluate', `${flag} is empty; give names separated by commas, or all.`);
  return names;
}

/** The table as text lines: one row per method, `mean ± spread` per score. */
function tableLines(table: EvaluationTable): string[] {
  const lines: string[] = [];
  for (const r of table.rows) {
    if (r.skipped) {
      lines.push(`${r.method}: not applicable (${r.skipped.message})`);
      continue;
    }
    const cells = r.evaluations.flatMap((e) => e.scores.map((s) => `${s.name} ${formatMeanSpread(s.mean, s.spread)}`));
    const flag = r.evaluations.find((e) => e.insensitive !== undefined);
    lines.push(`${r.method}: ${cells.join(', ')}${flag ? (flag.insensitive ? ', INSENSITIVE TO THE MODEL' : ', depends on the model') : ''}`);
  }
  return lines;
}

/**
 * Runs `convlens evaluate` with its command-line arguments.
 *
 * @example
 * await evaluateCommand(['cat.png', '--model', 'resnet50.onnx', '--methods', 'gradcam,saliency', '--metrics', 'deletion,insertion', '--out', 'eval.html'], console.log);
 */
export async function evaluateCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const args = parseCommandLine(evaluateSpec, argv, print);
  if (!args) return;
  const { values, positionals } = args;
  const methods: readonly MethodEntry[] = listOption(values.methods, '--methods')?.map(findMethod) ?? methodRegistry;
  const defaults: MetricName[] = metricNames.filter((m) => m !== 'pointing' || values.boxes !== undefined);
  const metrics = listOption(values.metrics, '--metrics')?.map(checkMetric) ?? defaults;
  if (metrics.includes('pointing') && values.boxes === undefined) throw usageError('evaluate', 'The pointing metric needs the objects\' boxes: add --boxes FILE.csv (lines image,x,y,width,height in model-input pixels).');
  const tolerance = values.tolerance === undefined ? undefined : Number(values.tolerance);
  if (tolerance !== undefined && !(tolerance >= 0)) throw usageError('evaluate', `--tolerance is a number of pixels >= 0; got "${values.tolerance}".`);
  const layers = values['randomize-layers'] === undefined ? undefined : Number(values['randomize-layers']);
  if (layers !== undefined && !(Number.isInteger(layers) && layers >= 1)) throw usageError('evaluate', `--randomize-layers is a whole number of layers >= 1; got "${values['randomize-layers']}".`);
  const methodOptions = parseMethodOptions('evaluate', values, methods);
  const file = await reportTarget(values.out ?? defaultName, defaultName);
  const pictures = [];
  for (const p of positionals) pictures.push(await loadImage(p));
  const model = await openModelFromFlags(values);
  const progress = new ProgressDisplay('evaluate');
  let table: EvaluationTable;
  try {
    const [, h, w] = model.itemShape;
    const boxes = values.boxes === undefined ? undefined : await readBoxesFile(values.boxes, positionals, [h, w]);
    const x = await model.preprocess(pictures);
    table = await evaluateMethods(model, x, methods, metrics, {
      methodOptions: { ...methodOptions, target: undefined, seed: methodOptions.seed },
      target: methodOptions.target, output: methodOptions.output, seed: methodOptions.seed, boxes, tolerance, layers,
      onStep: (done, total, label) => progress.update(done, total, `evaluate ${label}`),
    });
    progress.finish();
  } catch (e) {
    progress.clear();
    throw e;
  } finally {
    await model.dispose();
  }
  const report = new ReportBuilder('convlens evaluation', { lead: `${values.model} on ${positionals.length} image${positionals.length === 1 ? '' : 's'}`, contents: false });
  report.section('Methods by metrics', ...evaluationBlocks(table));
  await writeReport(file, report.toHtml());
  for (const line of tableLines(table)) print(line);
  const flagged = insensitiveMethods(table);
  if (flagged.length > 0) print(`insensitive to the model (rank correlation > 0.5 after randomizing the top ${flagged[0].layers} layers): ${flagged.map((f) => f.method).join(', ')}`);
  print(`wrote ${file}`);
}
