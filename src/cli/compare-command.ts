/** `convlens compare`: one method across models, layers, classes or inputs, as one labelled PNG. */
import { basename, dirname } from 'node:path';
import type { ConvlensModel } from '../engine/model.js';
import { checkMethod } from '../methods/method-checks.js';
import { findMethod, methodRegistry, type MethodEntry, type MethodOptions } from '../methods/registry.js';
import { encodePngBytes } from '../node/codecs.js';
import { loadImage, loadModel, type NodeModelOptions } from '../node/index.js';
import { compare, type CompareAxis, type NamedImage } from '../methods/comparison.js';
import { comparisonFigure } from '../render/compare.js';
import { defineCommand, parseCommandLine, usageError } from './command-line.js';
import { methodFlags, parseMethodList, parseMethodOptions, parseTarget } from './method-options.js';
import { modelFlags, modelOptions } from './options.js';
import { OutputDir } from './output-dir.js';
import { uniqueStems } from './output-names.js';
import { withProgress } from './progress.js';
import { figureFlags, parseFigureOptions } from './figure-options.js';

export const compareSpec = defineCommand({
  name: 'compare',
  summary: 'Writes one figure of one method, rows the images and columns the models (several --model), '
    + 'the layers (--layers), the classes (--targets) or, by default, the input beside its explanation.',
  positionals: { name: 'IMAGE...', min: 1, help: 'pictures, one row each' },
  flags: {
    ...modelFlags,
    model: { ...modelFlags.model, multiple: true, help: 'the model; several to compare them side by side (opened one at a time)' },
    method: { type: 'string', value: 'M', help: `the method (default gradcam): ${methodRegistry.map((m) => m.name).join(', ')}` },
    layers: { type: 'string', value: 'L1,L2', help: 'compare these layers of one model (CAM methods)' },
    targets: { type: 'string', value: 'T1,T2', help: 'compare these classes (indices or names) of one model' },
    out: { type: 'string', value: 'FILE.png', help: 'the figure (default convlens-compare.png)' },
    ...methodFlags,
    ...figureFlags,
  },
  notes: ['Example: convlens compare cat.jpg --model resnet50.onnx --targets tabby,"golden retriever" --out classes.png'],
});

const list = (value: string) => value.split(',').map((v) => v.trim()).filter((v) => v.length > 0);

/** Checks the method against one model for every column the comparison will hold. */
function checkColumns(method: MethodEntry, model: ConvlensModel, options: MethodOptions, layers?: string[], targets?: (number | string)[]): void {
  for (const layer of layers ?? [options.layer]) {
    for (const target of targets ?? [options.target]) checkMethod(method, model, { ...options, layer, target });
  }
}

/** Checks the method on every model; returns the largest input size among them. */
async function checkModels(method: MethodEntry, sources: string[], options: NodeModelOptions, methodOptions: MethodOptions): Promise<[number, number]> {
  let largest: [number, number] = [1, 1];
  for (const source of sources) {
    const model = await loadModel(source, options);
    try {
      checkMethod(method, model, methodOptions);
      const [h, w] = model.preprocessSpec.size;
      largest = [Math.max(largest[0], h), Math.max(largest[1], w)];
    } finally {
      await model.dispose();
    }
  }
  return largest;
}

export async function compareCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const args = parseCommandLine(compareSpec, argv, print);
  if (!args) return;
  const { values, positionals } = args;
  const models = values.model ?? [];
  if (models.length === 0) throw usageError('compare', 'Missing --model: give one model, or several to compare them.');
  const modes = [models.length > 1, values.layers !== undefined, values.targets !== undefined].filter(Boolean).length;
  if (modes > 1) throw usageError('compare', 'Compare along one axis at a time: several --model, or --layers, or --targets.');
  const [method] = parseMethodList('compare', values.method, [findMethod('gradcam')]);
  if (values.layers !== undefined && !method.usesLayer) throw usageError('compare', `--layers compares layers of a CAM method; "${method.name}" does not use a layer.`);
  const methodOptions = parseMethodOptions('compare', values, [method]);
  const layers = values.layers === undefined ? undefined : list(values.layers);
  const targets = values.targets === undefined ? undefined : list(values.targets).map((t) => parseTarget('compare', t) as number | string);
  const figure = parseFigureOptions('compare', values);
  const options = await modelOptions({ ...values, model: undefined });
  const file = values.out ?? 'convlens-compare.png';
  const single = models.length === 1 ? await loadModel(models[0], options) : undefined;
  try {
    let axis: CompareAxis;
    let size = single?.preprocessSpec.size;
    if (!single) {
      size = await checkModels(method, models, options, methodOptions);
      const modelNames = uniqueStems(models);
      axis = { by: 'model', models: models.map((m, i) => ({ name: modelNames[i], open: () => loadModel(m, options) })) };
    } else {
      checkColumns(method, single, methodOptions, layers, targets);
      if (layers) axis = { by: 'layer', model: single, layers };
      else if (targets) axis = { by: 'class', model: single, targets };
      else axis = { by: 'input', model: single };
    }
    // Decoded at the size the models need, so huge pictures never sit in memory whole.
    const inputs: NamedImage[] = [];
    const names = uniqueStems(positionals);
    for (const [i, p] of positionals.entries()) inputs.push({ name: names[i], image: await loadImage(p, { atLeast: size }) });
    const comparison = await withProgress(`compare ${method.name}`, (onProgress) => compare(inputs, method.name, axis, { ...methodOptions, onProgress }));
    const result = comparisonFigure(comparison, { ...figure, subject: single ? uniqueStems(models)[0] : undefined });
    const out = new OutputDir(dirname(file));
    const written = out.add(basename(file), await encodePngBytes(result.figure));
    await out.commit();
    print(`wrote ${written} (${result.rowLabels.length} rows: ${result.rowLabels.join(', ')}; columns: ${result.columnLabels.join(', ')})`);
  } finally {
    await single?.dispose();
  }
}
