/**
 * `convlens evaluate`: how faithful each method's maps are for one model, and whether they
 * depend on what the model learned. Writes one self-contained HTML page (the methods-by-metrics
 * table and the curves) and prints the table.
 */
import { parseArgs } from 'node:util';
import { checkMetric, metricNames, type MetricName } from '../evaluate/evaluate.js';
import { evaluateMethods, type EvaluationTable } from '../evaluate/method-table.js';
import { findMethod, methodRegistry, type MethodEntry } from '../methods/registry.js';
import { loadImage } from '../node/index.js';
import { evaluationBlocks, formatMeanSpread, insensitiveMethods } from '../render/evaluation-section.js';
import { ReportBuilder } from '../render/report/index.js';
import { readBoxesFile } from './boxes-file.js';
import { methodOptionSpec, parseMethodOptions } from './method-options.js';
import { badUsage, modelOptionSpec, openModelFromFlags } from './options.js';
import { ProgressDisplay } from './progress.js';
import { reportTarget, writeReport } from './report-file.js';

const defaultName = 'convlens-evaluation.html';

function listOption(value: string | undefined, flag: string): string[] | undefined {
  if (value === undefined || value.trim() === 'all') return undefined;
  const names = [...new Set(value.split(',').map((v) => v.trim()).filter((v) => v.length > 0))];
  if (names.length === 0) throw badUsage(`${flag} is empty; give names separated by commas, or all.`);
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
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: { ...modelOptionSpec, ...methodOptionSpec, methods: { type: 'string' }, metrics: { type: 'string' }, boxes: { type: 'string' }, tolerance: { type: 'string' }, 'randomize-layers': { type: 'string' }, out: { type: 'string' } },
  });
  if (positionals.length === 0) throw badUsage('Give at least one image to evaluate the explanations on.');
  const methods: readonly MethodEntry[] = listOption(values.methods, '--methods')?.map(findMethod) ?? methodRegistry;
  const defaults: MetricName[] = metricNames.filter((m) => m !== 'pointing' || values.boxes !== undefined);
  const metrics = listOption(values.metrics, '--metrics')?.map(checkMetric) ?? defaults;
  if (metrics.includes('pointing') && values.boxes === undefined) throw badUsage('The pointing metric needs the objects\' boxes: add --boxes FILE.csv (lines image,x,y,width,height in model-input pixels).');
  const tolerance = values.tolerance === undefined ? undefined : Number(values.tolerance);
  if (tolerance !== undefined && !(tolerance >= 0)) throw badUsage(`--tolerance is a number of pixels >= 0; got "${values.tolerance}".`);
  const layers = values['randomize-layers'] === undefined ? undefined : Number(values['randomize-layers']);
  if (layers !== undefined && !(Number.isInteger(layers) && layers >= 1)) throw badUsage(`--randomize-layers is a whole number of layers >= 1; got "${values['randomize-layers']}".`);
  const methodOptions = parseMethodOptions(values);
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
