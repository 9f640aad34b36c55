/**
 * Every method by every metric on one model: each method explains the images once with the
 * trained model (the randomization check explains them again with each randomized copy), and
 * every metric reads the same maps with the same targets, so the rows compare fairly.
 */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError, type ConvlensErrorCode } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { forward, selectOutput } from '../methods/passes.js';
import { argmaxRow } from '../numeric/softmax.js';
import type { MethodEntry, MethodOptions } from '../methods/registry.js';
import { evaluate, type EvaluateOptions, type Evaluation, type MetricName } from './evaluate.js';
import type { Explainer } from './randomization.js';

export interface MethodEvaluation {
  method: string;
  /** One evaluation per metric, in the table's metric order (empty when skipped). */
  evaluations: Evaluation[];
  /** Why the method does not apply to this model, when it does not. */
  skipped?: ConvlensError;
}

export interface EvaluationTable {
  metrics: MetricName[];
  rows: MethodEvaluation[];
  /** Class each image was explained and scored for. */
  target: number[];
  images: number;
}

export interface MethodTableOptions extends EvaluateOptions {
  /** Options every method runs with (layer, samples, ...); the target is set per image. */
  methodOptions?: MethodOptions;
  /** Called before each method and metric. */
  onStep?: (done: number, total: number, label: string) => void;
}

/**
 * Errors that mean a method does not fit a model: no CAM head, no spatial layer, an op without
 * a gradient rule, or a layer, target or option that fits another model.
 */
const notApplicable: ReadonlySet<ConvlensErrorCode> = new Set(['NO_CAM_HEAD', 'NO_SPATIAL_OUTPUT', 'NOT_DIFFERENTIABLE', 'UNKNOWN_LAYER', 'BAD_TARGET', 'BAD_OPTION']);

/**
 * Evaluates each method with each metric. Without a `target`, each image is explained and
 * scored for the trained model's top class, and randomized copies explain that same class.
 *
 * @example
 * const table = await evaluateMethods(model, x, methodRegistry.filter((m) => ['gradcam', 'saliency'].includes(m.name)), ['deletion', 'insertion', 'randomization']);
 * table.rows[0].evaluations[0].scores[0]; // { name: 'deletion AUC', mean, spread, ... }
 */
export async function evaluateMethods(model: ConvlensModel, x: FloatTensor, methods: readonly MethodEntry[], metrics: MetricName[], options: MethodTableOptions = {}): Promise<EvaluationTable> {
  model.checkInput(x);
  const N = x.shape[0];
  const output = selectOutput(model, options.output);
  let target = options.target;
  let classes: number[] = [];
  if (target === undefined || target === 'top1') {
    const scores = (await forward(model, x, [output], { signal: options.signal }))[output];
    const k = scores.data.length / N;
    classes = Array.from({ length: N }, (_, n) => argmaxRow(scores.data, n, k));
    target = { perImage: classes };
  }
  const total = methods.length * (metrics.length + 1);
  const rows: MethodEvaluation[] = [];
  for (const [i, method] of methods.entries()) {
    const step = (j: number, what: string) => options.onStep?.(i * (metrics.length + 1) + j, total, `${method.name}: ${what}`);
    step(0, 'explaining');
    const explain: Explainer = async (m, xs) => {
      const out = await method.run(m, xs, { ...options.methodOptions, target, output: options.output, signal: options.signal });
      if (classes.length === 0) classes = out.target.map((t) => t ?? -1);
      return out.map;
    };
    let map: FloatTensor;
    try {
      map = await explain(model, x);
    } catch (e) {
      if (!(e instanceof ConvlensError) || !notApplicable.has(e.code)) throw e;
      rows.push({ method: method.name, evaluations: [], skipped: e });
      continue;
    }
    const evaluations: Evaluation[] = [];
    for (const [j, metric] of metrics.entries()) {
      step(1 + j, metric);
      evaluations.push(await evaluate(model, x, metric === 'randomization' ? explain : map, metric, { ...options, target }));
    }
    rows.push({ method: method.name, evaluations });
  }
  options.onStep?.(total, total, 'done');
  return { metrics, rows, target: classes, images: N };
}
