/**
 * `convlens report`: one self-contained HTML page with, for every model, the predictions of
 * every image and every applicable method's pictures, and with several models a comparison
 * across them. Models are opened one at a time; the page is written only when complete.
 */
import { basename, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { findMethod, methodRegistry, type MethodEntry } from '../methods/registry.js';
import { loadImage, loadModel } from '../node/index.js';
import { methodOptionSpec, parseMethodOptions } from './method-options.js';
import { badUsage, modelOptions, modelOptionSpec } from './options.js';
import { ProgressDisplay } from './progress.js';
import { reportTarget, writeReport } from './report-file.js';
import { explainWithModel, type ModelRun } from './report-runs.js';
import { buildReport } from './report-sections.js';
import { synthesisBlocks } from './report-synthesis.js';

/** Name of the report when `--out` is not given or names a folder. */
const defaultReportName = 'convlens-report.html';

/** File names without folder and extension, numbered when two are alike ("cat", "cat-2"). */
function uniqueStems(paths: string[]): string[] {
  const seen = new Map<string, number>();
  return paths.map((p) => {
    const path = p.replace(/[?#].*$/, ''); // a model URL's query is not part of its name
    const stem = basename(path, extname(path));
    const k = (seen.get(stem) ?? 0) + 1;
    seen.set(stem, k);
    return k === 1 ? stem : `${stem}-${k}`;
  });
}

function selectedMethods(list: string | undefined): readonly MethodEntry[] {
  if (list === undefined) return methodRegistry;
  const names = [...new Set(list.split(',').map((m) => m.trim()).filter((m) => m.length > 0))];
  if (names.length === 0) throw badUsage('--method is empty; give method names separated by commas, or leave it out for all.');
  return names.map(findMethod);
}

/**
 * Runs `convlens report` with its command-line arguments; prints skipped methods and the report's path.
 *
 * @example
 * await reportCommand(['cat.png', '--model', 'a.onnx', '--model', 'b.onnx', '--out', 'report.html'], console.log);
 */
export async function reportCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: { ...modelOptionSpec, model: { type: 'string', multiple: true }, ...methodOptionSpec, method: { type: 'string' }, out: { type: 'string' }, 'synthesis-steps': { type: 'string' } },
  });
  if (positionals.length === 0) throw badUsage('Give at least one image for the report.');
  const models = values.model ?? [];
  if (models.length === 0) throw badUsage('Missing --model: give one model, or several (--model a.onnx --model b.onnx) to compare them.');
  const methods = selectedMethods(values.method);
  const methodOptions = parseMethodOptions(values);
  const synthesisSteps = Number(values['synthesis-steps'] ?? 128);
  if (!Number.isInteger(synthesisSteps) || synthesisSteps < 0) throw badUsage(`--synthesis-steps must be a whole number (0 leaves the synthesis section out); got "${values['synthesis-steps']}".`);
  const loadOptions = await modelOptions({ ...values, model: undefined });
  const file = await reportTarget(values.out ?? defaultReportName, defaultReportName);
  const pictures = [];
  for (const p of positionals) pictures.push(await loadImage(p));
  const images = uniqueStems(positionals);
  const names = uniqueStems(models);

  const perModel = methods.length + 1 + (synthesisSteps > 0 ? 1 : 0);
  const total = models.length * perModel;
  const progress = new ProgressDisplay('report');
  const runs: ModelRun[] = [];
  try {
    for (const [i, source] of models.entries()) {
      progress.update(i * perModel, total, `report ${names[i]}: loading`);
      const model = await loadModel(source, loadOptions);
      try {
        runs.push(await explainWithModel(model, names[i], source, pictures, methods, methodOptions,
          (done, label) => progress.update(i * perModel + done, total, `report ${label}`)));
        const run = runs[runs.length - 1];
        if (synthesisSteps > 0) {
          run.synthesis = await synthesisBlocks(model, run.predictions, synthesisSteps,
            (done, all) => progress.update(i * perModel + perModel - 1 + done / all, total, `report ${names[i]}: synthesis`));
        }
      } finally {
        await model.dispose();
      }
    }
    const report = buildReport(runs, { images, methods, layer: values.layer, target: values.target });
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
