/**
 * What the report shows of one model, computed while the model is open: the inputs as the
 * model sees them, top-5 predictions, and every method's pictures (or why it does not apply).
 * Only pictures and numbers are kept, so the model can be released before the next one loads.
 */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError, type ConvlensErrorCode } from '../errors.js';
import { tensorToImages } from '../preprocess/preprocess-images.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import { forwardPassesPerImage, runsByDefault } from '../methods/method-cost.js';
import { itemsByImage } from '../methods/method-skeleton.js';
import { forward } from '../methods/passes.js';
import type { MethodEntry, MethodOptions, MethodOutput } from '../methods/registry.js';
import type { GridCell, ReportBlock } from '../render/report/index.js';
import { formatPercent } from '../render/figure.js';
import { itemOf, methodImage, type MethodImageOptions } from '../render/method-image.js';
import { softmax } from '../numeric/softmax.js';
import { slowMethodNotice } from './estimates.js';
import { predictsValues } from './predictions.js';

export interface Prediction {
  rank: number;
  index: number;
  /** Class name, or "class N" when the model has no labels. */
  label: string;
  /** Softmax probability in percent (class scores), or the output value itself (regression). */
  percent: number;
}

/** `cells[image][k]`: the picture of the image's k-th explained class, named by `targetLabels[k]`. */
export interface MethodPictures {
  targetLabels: string[];
  cells: GridCell[][];
  /** How the pictures show the result, which decides their colour bar. */
  display: MethodOutput['display'];
}

export type MethodRun = ({ method: MethodEntry } & MethodPictures) | { method: MethodEntry; skipped: ConvlensError };

export interface ModelRun {
  name: string;
  source: string;
  /** `[height, width]` of the model input. */
  inputSize: [number, number];
  inputs: RgbImage[];
  /** Top-5 per input image; every output, in order, for a regression model. */
  predictions: Prediction[][];
  /** The outputs are regression values (annotated `convlens.outputs: "values"`), not class scores. */
  values: boolean;
  methods: MethodRun[];
  /** Blocks of the synthesis section (class visualizations), when it ran. */
  synthesis?: ReportBlock[];
}

const className = (c: number, labels: readonly string[] | null) => labels?.[c] ?? `class ${c}`;

/** The `k` most probable classes, best first (ties by class index, as `topPredictions` orders them). */
function topClasses(scores: Float32Array, labels: readonly string[] | null, k: number): Prediction[] {
  const p = softmax(scores);
  return Array.from(scores.keys())
    .sort((a, b) => scores[b] - scores[a] || a - b)
    .slice(0, k)
    .map((index, r) => ({ rank: r + 1, index, label: className(index, labels), percent: 100 * p[index] }));
}

/** Every output of a regression model with its value, in output order. */
function outputValues(scores: Float32Array, labels: readonly string[] | null): Prediction[] {
  return Array.from(scores, (v, index) => ({ rank: index + 1, index, label: labels?.[index] ?? `output ${index}`, percent: v }));
}

/**
 * A method's result as grid cells, rows = input images and columns = the images' targets
 * (one column unless several classes were asked for). A column is named after its class
 * when every row explains the same one.
 */
function methodCells(result: MethodOutput, seen: RgbImage[], method: MethodEntry, labels: readonly string[] | null, figure: MethodImageOptions): MethodPictures {
  const items = itemsByImage(result.image, seen.length);
  const columns = Math.max(...items.map((list) => list.length));
  const cells = items.map((list) => Array.from({ length: columns }, (_, k): GridCell => {
    const m = list[k];
    if (m === undefined) return { caption: 'no result' };
    const t = result.target[m];
    const caption = t === null ? 'weighted outputs' : `${className(t, labels)} ${formatPercent(softmax(itemOf(result.scores, m).data)[t])}`;
    return { image: methodImage(result, m, seen, figure), caption };
  }));
  const targetLabels = Array.from({ length: columns }, (_, k) => {
    const targets = new Set(items.map((list) => (list[k] === undefined ? undefined : result.target[list[k]])));
    const [only] = targets;
    if (targets.size === 1 && typeof only === 'number') return className(only, labels);
    return columns === 1 ? method.name : `target ${k + 1}`;
  });
  return { targetLabels, cells, display: result.display };
}

/**
 * Errors that say a method does not fit a model: no CAM head, no spatial layer, an op
 * without a VJP rule, or a --layer, --target or option that fits another model of the report.
 */
const skippable: ReadonlySet<ConvlensErrorCode> = new Set(['NO_CAM_HEAD', 'NO_SPATIAL_OUTPUT', 'NOT_DIFFERENTIABLE', 'UNKNOWN_LAYER', 'BAD_TARGET', 'BAD_OPTION']);

/** How the report runs the methods on one model. */
export interface RunSettings extends MethodImageOptions {
  /** Receives the estimate printed before a slow method. */
  onNotice?: (line: string) => void;
  /** The methods are the default list, not chosen: leave out those too slow for this model (see `runsByDefault`). */
  leaveOutSlow?: boolean;
}

/** The skip reason of a method left out of the default list on this model. */
function leftOut(method: MethodEntry, model: ConvlensModel, options: MethodOptions): ConvlensError {
  return new ConvlensError('SLOW_METHOD', `left out by default on this model: about ${forwardPassesPerImage(method, model, options)} forward passes per image; `
    + `name it in --method to run it (${method.name}).`);
}

/**
 * Runs predictions and every method on one open model. A method that does not apply to
 * this model (see {@link skippable}), or a slow one left out of the default list, is recorded
 * as skipped with its reason, since the report should still show everything else; any other
 * error propagates, so a runtime failure, a batch over the memory budget or an abort stops
 * the report with its own message.
 *
 * @example
 * const run = await explainWithModel(model, 'resnet', 'resnet.onnx', pictures, methodRegistry, { target: 'top1' }, (done, label) => bar.update(done, 14, label));
 */
export async function explainWithModel(
  model: ConvlensModel, name: string, source: string, pictures: RgbImage[], methods: readonly MethodEntry[], options: MethodOptions,
  progress: (stepsDone: number, label: string) => void, figure: RunSettings = {},
): Promise<ModelRun> {
  progress(0, `${name}: predictions`);
  const x = await model.preprocess(pictures);
  const seen = model.itemShape[0] === 3 ? tensorToImages(x, model.preprocessSpec) : pictures;
  const started = Date.now();
  const scores = (await forward(model, x, [model.outputName]))[model.outputName];
  const forwardMs = (Date.now() - started) / pictures.length;
  const values = predictsValues(model);
  const predictions = pictures.map((_, i) => (values ? outputValues(itemOf(scores, i).data, model.labels) : topClasses(itemOf(scores, i).data, model.labels, 5)));
  const runs: MethodRun[] = [];
  for (const [i, method] of methods.entries()) {
    const label = `${name}: ${method.name}`;
    progress(1 + i, label);
    try {
      if (figure.leaveOutSlow && !runsByDefault(method, model, options)) {
        runs.push({ method, skipped: leftOut(method, model, options) });
        continue;
      }
      const notice = slowMethodNotice(method, model, options, pictures.length, forwardMs, name);
      if (notice) figure.onNotice?.(notice);
      const result = await method.run(model, x, { ...options, onProgress: (d, t) => progress(1 + i + (t > 0 ? d / t : 0), label) });
      runs.push({ method, ...methodCells(result, seen, method, model.labels, figure) });
    } catch (e) {
      if (!(e instanceof ConvlensError) || !skippable.has(e.code)) throw e;
      runs.push({ method, skipped: e });
    }
  }
  progress(1 + methods.length, name);
  const [, h, w] = model.itemShape;
  return { name, source, inputSize: [h, w], inputs: seen, predictions, values, methods: runs };
}
