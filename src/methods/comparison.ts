/**
 * Comparisons as data: one method run across models, layers, target classes or inputs, each
 * column holding the method's result for every input. Models are opened one at a time and
 * released before the next, so comparing several large models needs the memory of one.
 * render/compare.ts draws the figure.
 */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import { readAnnotations } from '../onnx/annotations.js';
import { tensorToImages } from '../preprocess/preprocess-images.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import { findMethod, type MethodOptions, type MethodOutput } from './registry.js';
import type { Target } from './targets.js';

export interface NamedImage {
  name: string;
  image: RgbImage;
}

export interface ModelEntry {
  name: string;
  open: () => Promise<ConvlensModel>;
}

export type CompareAxis =
  | { by: 'model'; models: ModelEntry[] }
  | { by: 'layer'; model: ConvlensModel; layers: string[] }
  | { by: 'class'; model: ConvlensModel; targets: (number | string)[] }
  | { by: 'input'; model: ConvlensModel };

export interface CompareOptions extends Omit<MethodOptions, 'layer'> {
  /** Layer for CAM methods (ignored when comparing across layers). */
  layer?: string;
}

export interface ComparisonColumn {
  /** Model name, layer, class name, `'input'` or the method's name. */
  label: string;
  /** The method's result for every input; null for the column that shows the inputs themselves. */
  result: MethodOutput | null;
  /** The inputs as this column's model saw them (after its preprocessing), in input order. */
  seen: RgbImage[];
  /** Class names of this column's model. */
  labels: readonly string[] | null;
  /** Whether the model's outputs are values (a regression) rather than class scores. */
  values: boolean;
}

export interface Comparison {
  method: string;
  /** What varies across the columns. */
  by: CompareAxis['by'];
  /** The layer given for CAM methods (when it is not what varies). */
  layer?: string;
  /** Input names, one per row. */
  rowLabels: string[];
  columns: ComparisonColumn[];
}

async function explainColumn(model: ConvlensModel, inputs: NamedImage[], method: string, options: CompareOptions, label: string): Promise<ComparisonColumn> {
  const x = await model.preprocess(inputs.map((i) => i.image));
  const seen = tensorToImages(x, model.preprocessSpec);
  const result = await findMethod(method).run(model, x, options);
  return { label, result, seen, labels: model.labels, values: readAnnotations(model.onnxModel).outputs === 'values' };
}

function columnCount(axis: CompareAxis): number {
  if (axis.by === 'model') return axis.models.length;
  if (axis.by === 'layer') return axis.layers.length;
  if (axis.by === 'class') return axis.targets.length;
  return 1;
}

/**
 * Runs `method` for `inputs` once per column of one axis: each model (opened, run, released in
 * turn), each layer, each target class, or once beside the inputs themselves. Progress counts
 * columns, each column's run filling its share.
 *
 * @example
 * const images = [{ name: 'cat', image: await loadImage('cat.jpg') }];
 * const byLayer = await compare(images, 'gradcam', { by: 'layer', model, layers: ['layer2', 'layer3', 'layer4'] }, { target: 281 });
 * byLayer.columns[2].result?.map; // the layer4 maps, [N, H, W] in [0, 1]
 * const { figure } = comparisonFigure(byLayer);
 */
export async function compare(inputs: NamedImage[], method: string, axis: CompareAxis, compareOptions: CompareOptions = {}): Promise<Comparison> {
  if (inputs.length === 0) throw new ConvlensError('BAD_INPUT', 'A comparison needs at least one input image.');
  const entry = findMethod(method);
  const columns: ComparisonColumn[] = [];
  const count = columnCount(axis);
  const report = compareOptions.onProgress;
  const options: CompareOptions = {
    ...compareOptions,
    onProgress: report && ((done, total) => report(Math.min(count, columns.length + (total > 0 ? done / total : 0)), count)),
  };
  if (axis.by === 'model') {
    if (axis.models.length === 0) throw new ConvlensError('BAD_OPTION', 'Give at least one model to compare.');
    for (const m of axis.models) {
      const model = await m.open();
      try {
        columns.push(await explainColumn(model, inputs, method, options, m.name));
      } finally {
        await model.dispose();
      }
    }
  } else if (axis.by === 'layer') {
    if (!entry.usesLayer) throw new ConvlensError('BAD_OPTION', `Method "${method}" does not use a layer; compare layers with a CAM method such as gradcam.`);
    for (const layer of axis.layers) columns.push(await explainColumn(axis.model, inputs, method, { ...options, layer }, layer));
  } else if (axis.by === 'class') {
    for (const t of axis.targets) {
      const label = typeof t === 'number' ? (axis.model.labels?.[t] ?? String(t)) : t;
      columns.push(await explainColumn(axis.model, inputs, method, { ...options, target: t as Target }, label));
    }
  } else {
    const explained = await explainColumn(axis.model, inputs, method, options, method);
    columns.push({ ...explained, label: 'input', result: null }, explained);
  }
  report?.(count, count);
  return { method, by: axis.by, layer: axis.by === 'layer' ? undefined : compareOptions.layer, rowLabels: inputs.map((i) => i.name), columns };
}
