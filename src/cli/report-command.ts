/**
 * `convlens report`: one self-contained HTML page with, for every model, the predictions of
 * every image and every applicable method's pictures, and with several models a comparison
 * across them. Models are opened one at a time; the page is written only when complete.
 */
import type { ConvlensModel } from '../engine/model.js';
import { runsByDefault } from '../methods/method-cost.js';
import { methodRegistry, type MethodEntry, type MethodOptions } from '../methods/registry.js';
import { loadImage, loadModel } from '../node/index.js';
import { defineCommand, parseCommandLine, usageError } from './command-line.js';
import { methodFlags, parseMethodList, parseMethodOptions } from './method-options.js';
import { modelFlags, modelOptions } from './options.js';
import { ProgressDisplay } from './progress.js';
import { addEvaluationSections, evaluateForReport, reportEvaluationFlags, reportEvaluationSettings } from './report-evaluation.js';
import { reportTarget, writeReport } from './report-file.js';
import { explainWithModel, type ModelRun } from './report-runs.js';
import { buildReport } from './report-sections.js';
import { uniqueStems } from './output-names.js';
import { figureFlags, parseFigureOptions } from './figure-options.js';
import { synthesisBlocks } from './report-synthesis.js';

/** Name of the report when `--out` is not given or names a folder. */
const defaultReportName = 'convlens-report.html';

export const reportSpec = defineCommand({
  name: 'report',
  summary: 'Writes one self-contained HTML page: for each model the top-5 predictions of every image and a section per method, '
    + 'and with two or more --model a comparison of each method across them.',
  positionals: { name: 'IMAGE...', min: 1, help: 'pictures to explain' },
  flags: {
    ...modelFlags,
    model: { ...modelFlags.model, multiple: true, help: 'the model; several to compare them (opened one at a time)' },
    method: { type: 'string', value: 'M1,M2', help: `methods, comma-separated (default all, less those too slow for a large model): ${methodRegistry.map((m) => m.name).join(', ')}` },
    out: { type: 'string', value: 'FILE.html', help: `the page, or a folder to write ${defaultReportName} into (default ${defaultReportName})` },
    ...methodFlags,
    ...figureFlags,
    ...reportEvaluationFlags,
    'synthesis-steps': { type: 'string', value: 'N', group: 'Synthesis', help: 'steps of each class visualization in the synthesis section (default 128; 0 leaves it out)' },
  },
  notes: [
    'A method that does not apply to a model is skipped and the page says why. Score-CAM and occlusion run one forward',
    'pass per channel or patch: minutes per image on large models, so without --method they are left out there',
    '(the page says so); named in --method they run, after an estimate of their time.',
  ],
});

/**
 * Whether a default-listed method is quick enough to evaluate on `model`. A method whose cost
 * cannot be worked out (Score-CAM without a spatial layer) counts as quick, so the evaluation
 * reports why it does not apply, as it does for a method named in --method.
 */
function quickEnough(method: MethodEntry, model: ConvlensModel, options: MethodOptions): boolean {
  try {
    return runsByDefault(method, model, options);
  } catch {
    return true;
  }
}

/**
 * Runs `convlens report` with its command-line arguments; prints skipped methods and the report's path.
 *
 * @example
 * await reportCommand(['cat.png', '--model', 'a.onnx', '--model', 'b.onnx', '--out', 'report.html'], console.log);
 */
export async function reportCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const args = parseCommandLine(reportSpec, argv, print);
  if (!args) return;
  const { values, positionals } = args;
  const models = values.model ?? [];
  if (models.length === 0) throw usageError('report', 'Missing --model: give one model, or several (--model a.onnx --model b.onnx) to compare them.');
  const methods = parseMethodList('report', values.method, methodRegistry);
  const leaveOutSlow = values.method === undefined;
  const methodOptions = parseMethodOptions('report', values, methods);
  const figure = parseFigureOptions('report', values);
  const evaluation = reportEvaluationSettings(values);
  const evaluations = [];
  const synthesisSteps = Number(values['synthesis-steps'] ?? 128);
  if (!Number.isInteger(synthesisSteps) || synthesisSteps < 0) throw usageError('report', `--synthesis-steps must be a whole number (0 leaves the synthesis section out); got "${values['synthesis-steps']}".`);
  const loadOptions = await modelOptions({ ...values, model: undefined });
  const file = await reportTarget(values.out ?? defaultReportName, defaultReportName);
  const images = uniqueStems(positionals);
  const names = uniqueStems(models);

  const perModel = methods.length + 1 + (evaluation ? methods.length : 0) + (synthesisSteps > 0 ? 1 : 0);
  const total = models.length * perModel;
  const progress = new ProgressDisplay('report');
  const runs: ModelRun[] = [];
  try {
    for (const [i, source] of models.entries()) {
      progress.update(i * perModel, total, `report ${names[i]}: loading`);
      const model = await loadModel(source, loadOptions);
      try {
        // Decoded at the size this model needs, so huge pictures never sit in memory whole.
        const pictures = [];
        for (const p of positionals) pictures.push(await loadImage(p, { atLeast: model.preprocessSpec.size }));
        runs.push(await explainWithModel(model, names[i], source, pictures, methods, methodOptions,
          (done, label) => progress.update(i * perModel + done, total, `report ${label}`), { ...figure, onNotice: (line) => progress.note(line), leaveOutSlow }));
        if (evaluation) {
          const evaluated = leaveOutSlow ? methods.filter((m) => quickEnough(m, model, methodOptions)) : methods;
          evaluations.push(await evaluateForReport(model, await model.preprocess(pictures), evaluated, methodOptions, evaluation,
            (done, steps, label) => progress.update(i * perModel + methods.length + 1 + (done / steps) * methods.length, total, `report ${names[i]} evaluation ${label}`)));
        }
        const run = runs[runs.length - 1];
        if (synthesisSteps > 0) {
          run.synthesis = await synthesisBlocks(model, run.predictions, synthesisSteps,
            (done, all) => progress.update(i * perModel + perModel - 1 + done / all, total, `report ${names[i]}: synthesis`));
        }
      } finally {
        await model.dispose();
      }
    }
    const report = buildReport(runs, { images, methods, layer: values.layer, target: values.target, figure });
    if (evaluation) addEvaluationSections(report, names, evaluations, evaluation);
    await writeReport(file, report.toHtml());
    progress.update(total, total, 'report');
    progress.finish();
  } catch (e) {
    progress.clear();
    throw e;
  }
  for (const run of runs) {
    for (const m of run.methods) if ('skipped' in m) print(`skipped ${m.method.name} on ${run.name} (${m.skipped.code}): ${m.skipped.message}`);
  }
  print(`wrote ${file}`);
}
