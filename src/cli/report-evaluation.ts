/**
 * The evaluation part of `convlens report`: for each model, every method by the chosen
 * metrics (default deletion, insertion and the randomization check, so every report carries
 * the sanity flag), as one section per model after the pictures.
 */
import type { ConvlensModel } from '../engine/model.js';
import { checkMetric, type MetricName } from '../evaluate/evaluate.js';
import { evaluateMethods, type EvaluationTable } from '../evaluate/method-table.js';
import { weightLayers } from '../evaluate/randomized-model.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import type { MethodEntry, MethodOptions } from '../methods/registry.js';
import { evaluationBlocks } from '../render/evaluation-section.js';
import { paragraph, slugify, type ReportBuilder } from '../render/report/index.js';
import { usageError, type FlagSpecs } from './command-line.js';

/** Default depth of the report's randomization check: its top layers, which keeps reports of deep models quick. */
const REPORT_RANDOMIZED_LAYERS = 3;

/** `--evaluate` and `--randomize-layers` for `convlens report`. */
export const reportEvaluationFlags = {
  evaluate: { type: 'string', value: 'M1,M2|all|none', group: 'Evaluation', help: 'metrics per method and model (default deletion,insertion,randomization)' },
  'randomize-layers': { type: 'string', value: 'N', group: 'Evaluation', help: `layers the randomization check cascades through from the top (default ${REPORT_RANDOMIZED_LAYERS})` },
} as const satisfies FlagSpecs;

export interface ReportEvaluationSettings {
  metrics: MetricName[];
  /** Layers the randomization check cascades through, from the top. */
  randomizeLayers: number;
}


/** `--evaluate none|all|M1,M2` (default deletion,insertion,randomization); null for none. */
export function reportEvaluationSettings(flags: { evaluate?: string; 'randomize-layers'?: string }): ReportEvaluationSettings | null {
  const value = flags.evaluate?.trim() ?? 'deletion,insertion,randomization';
  if (value === 'none') return null;
  const names = value === 'all' ? ['deletion', 'insertion', 'road', 'drop', 'randomization'] : value.split(',').map((m) => m.trim()).filter((m) => m.length > 0);
  if (names.length === 0) throw usageError('report', '--evaluate is empty; give metrics separated by commas, all, or none.');
  const metrics = [...new Set(names.map(checkMetric))];
  if (metrics.includes('pointing')) throw usageError('report', 'The report has no object boxes for the pointing game; use convlens evaluate --boxes FILE.csv for it.');
  const layers = flags['randomize-layers'] === undefined ? REPORT_RANDOMIZED_LAYERS : Number(flags['randomize-layers']);
  if (!Number.isInteger(layers) || layers < 1) throw usageError('report', `--randomize-layers is a whole number of layers >= 1; got "${flags['randomize-layers']}".`);
  return { metrics, randomizeLayers: layers };
}

/** Whether a method target names one class for every image (else the evaluation uses each image's top class). */
const singleClass = (target: MethodOptions['target']) => typeof target === 'number' || (typeof target === 'string' && !/^top\d+$|^sum$/.test(target));

/**
 * Evaluates the report's methods on one open model.
 *
 * @example
 * const table = await evaluateForReport(model, x, methods, options, settings, (d, t, label) => bar.update(d, t, label));
 */
export function evaluateForReport(model: ConvlensModel, x: FloatTensor, methods: readonly MethodEntry[], options: MethodOptions, settings: ReportEvaluationSettings,
  onStep: (done: number, total: number, label: string) => void): Promise<EvaluationTable> {
  const layers = Math.min(settings.randomizeLayers, weightLayers(model).length);
  return evaluateMethods(model, x, methods, settings.metrics, {
    methodOptions: { ...options, target: undefined }, target: singleClass(options.target) ? options.target : undefined, output: options.output,
    seed: options.seed, layers: layers > 0 ? layers : undefined, independent: false, onStep,
  });
}

/** Appends the evaluation: one section, then one per model. */
export function addEvaluationSections(report: ReportBuilder, names: string[], tables: EvaluationTable[], settings: ReportEvaluationSettings): void {
  report.section({ title: 'Evaluation', id: 'evaluation' },
    paragraph('How faithful each method\'s maps are (', { code: settings.metrics.join(', ') }, '), with each image explained and scored for ',
      'its top class (or the class of ', { code: '--target' }, ' when it names one). ',
      ...(settings.metrics.includes('randomization')
        ? [`The randomization check cascades through the top ${settings.randomizeLayers} layer${settings.randomizeLayers === 1 ? '' : 's'} with weights of each model `,
          '(all of them when a model has fewer; ', { code: '--randomize-layers K' }, ' for more).']
        : [])));
  const seen = new Set<string>();
  tables.forEach((table, k) => {
    let id = `evaluation-${slugify(names[k])}`;
    for (let n = 2; seen.has(id); n++) id = `evaluation-${slugify(names[k])}-${n}`;
    seen.add(id);
    report.section({ title: names[k], id, level: 3 }, ...evaluationBlocks(table));
  });
}
