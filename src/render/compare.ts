/**
 * Comparison figures: one method across models, layers, target classes or inputs, as a
 * labelled rows x columns picture (rows are inputs). Models are opened one at a time and
 * released before the next, so comparing several large models needs the memory of one.
 */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import { makeGrid, rowColumnFigure } from '../image/grid.js';
import { tensorToImages } from '../preprocess/preprocess-images.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import { findMethod, type MethodOptions, type MethodOutput } from '../methods/registry.js';
import type { Target } from '../methods/targets.js';
import { enlargeTo, figureWithLegend, formatPercent, type ColorBar } from './figure.js';
import { defaultOverlay, itemOf, methodImage, type MethodImageOptions } from './method-image.js';
import { argmaxRow, softmax } from '../numeric/softmax.js';

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

export interface CompareOptions extends Omit<MethodOptions, 'layer'>, Pick<MethodImageOptions, 'colormap' | 'alpha'> {
  /** Layer for CAM methods (ignored when comparing across layers). */
  layer?: string;
  /** Appended to the figure's title, e.g. the model's name. */
  subject?: string;
}

export interface Comparison {
  figure: RgbImage;
  rowLabels: string[];
  columnLabels: string[];
  /** Caption under each cell: the explained class and its probability. */
  captions: string[][];
}

/** "tabby 62.1%" for the item's explained class (or its top-1 for weight targets). */
function caption(result: MethodOutput, m: number, labels: readonly string[] | null): string {
  const scores = itemOf(result.scores, m).data;
  const c = result.target[m] ?? argmaxRow(scores, 0, scores.length);
  return `${labels?.[c] ?? c} ${formatPercent(softmax(scores)[c])}`;
}

interface Column {
  label: string;
  display?: MethodOutput['display'];
  cells: RgbImage[];
  captions: string[];
}

async function explainColumn(model: ConvlensModel, inputs: NamedImage[], method: string, options: CompareOptions, label: string): Promise<Column> {
  const x = await model.preprocess(inputs.map((i) => i.image));
  const seen = tensorToImages(x, model.preprocessSpec);
  const result = await findMethod(method).run(model, x, options);
  const cells: RgbImage[] = [];
  const captions: string[] = [];
  for (let i = 0; i < inputs.length; i++) {
    const m = result.image.indexOf(i);
    cells.push(methodImage(result, m, seen, options));
    captions.push(caption(result, m, model.labels));
  }
  return { label, cells, captions, display: result.display };
}

/**
 * Builds a comparison figure of `method` for `inputs` along one axis.
 *
 * @example
 * const { figure } = await compare(images, 'gradcam', { by: 'layer', model, layers: ['layer2', 'layer3', 'layer4'] }, { target: 281 });
 */
export async function compare(inputs: NamedImage[], method: string, axis: CompareAxis, compareOptions: CompareOptions = {}): Promise<Comparison> {
  if (inputs.length === 0) throw new ConvlensError('BAD_INPUT', 'A comparison needs at least one input image.');
  const entry = findMethod(method);
  const columns: Column[] = [];
  // Progress counts columns, each column's method run filling its share.
  const count = axis.by === 'model' ? axis.models.length : axis.by === 'layer' ? axis.layers.length : axis.by === 'class' ? axis.targets.length : 1;
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
    const x = await axis.model.preprocess(inputs.map((i) => i.image));
    const seen = tensorToImages(x, axis.model.preprocessSpec);
    const explained = await explainColumn(axis.model, inputs, method, options, method);
    columns.push({ label: 'input', cells: seen, captions: inputs.map(() => '') }, explained);
  }
  report?.(count, count);
  const cells = inputs.map((_, r) => columns.map((c) => makeGrid([enlargeTo(c.cells[r], 128)], { columns: 1, labels: [c.captions[r]] })));
  const rowLabels = inputs.map((i) => i.name);
  const columnLabels = columns.map((c) => c.label);
  const along = { model: 'models', layer: 'layers', class: 'classes', input: 'inputs' }[axis.by];
  const colorBar: ColorBar = columns.some((c) => c.display === 'gradient')
    ? { kind: 'signed', max: 1, caption: 'input gradients, each picture scaled to its 99th percentile of |gradient|' }
    : { kind: 'colormap', colormap: options.colormap ?? defaultOverlay.colormap, min: 0, max: 1, caption: 'each map scaled from its minimum (0) to its maximum (1)' };
  const title = [`${method} across ${along}`, options.layer && axis.by !== 'layer' ? `layer ${options.layer}` : undefined, options.subject].filter(Boolean).join(' · ');
  return {
    figure: figureWithLegend(rowColumnFigure(cells, { rowLabels, columnLabels }), { title, colorBar }),
    rowLabels,
    columnLabels,
    captions: inputs.map((_, r) => columns.map((c) => c.captions[r])),
  };
}
