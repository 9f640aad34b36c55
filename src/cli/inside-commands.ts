/** `convlens filters` and `convlens features`: a layer's weights, and its outputs for images. */
import { basename, dirname, extname } from 'node:path';
import { encodeNpy } from '../image/npy.js';
import { featureMaps } from '../methods/feature-maps.js';
import { filters } from '../methods/filters.js';
import { featureMapFigures } from '../render/feature-map-grid.js';
import { filtersFigure } from '../render/filter-grid.js';
import { encodePngBytes } from '../node/codecs.js';
import { loadImage } from '../node/index.js';
import { defineCommand, numberFlag, parseCommandLine, usageError } from './command-line.js';
import { modelFlags, openModelFromFlags } from './options.js';
import { uniqueStems } from './output-names.js';
import { OutputDir } from './output-dir.js';

export const filtersSpec = defineCommand({
  name: 'filters',
  summary: 'Writes the kernels of a convolution as a grid: first-layer kernels in colour, deeper ones one input channel at a time.',
  flags: {
    ...modelFlags,
    layer: { type: 'string', value: 'L', help: 'the convolution (see `convlens layers`)' },
    range: { type: 'string', value: 'per-filter|shared', help: 'each kernel its own gray scale (default), or one for the layer' },
    max: { type: 'string', value: 'N', help: 'at most N filters' },
    out: { type: 'string', value: 'FILE.png', help: 'the grid (default convlens-filters.png)' },
    raw: { type: 'boolean', help: 'also write the weights as float32 .npy' },
  },
  notes: ['Example: convlens filters --model resnet50.onnx --layer conv1 --out conv1.png'],
});

export const featuresSpec = defineCommand({
  name: 'features',
  summary: 'Writes, per image, the feature maps (channels) of a layer as a grid.',
  positionals: { name: 'IMAGE...', min: 1, help: 'pictures' },
  flags: {
    ...modelFlags,
    layer: { type: 'string', value: 'L', help: 'any layer (see `convlens layers`)' },
    order: { type: 'string', value: 'index|mean', help: 'channel order: by index, or strongest mean activation first (default index)' },
    range: { type: 'string', value: 'per-channel|shared', help: 'each map its own colour range (default), or one range across the maps of an image' },
    max: { type: 'string', value: 'N', help: 'at most N channels' },
    out: { type: 'string', value: 'DIR', help: 'output folder (default convlens-features)' },
    raw: { type: 'boolean', help: 'also write the activations as float32 .npy' },
  },
  notes: ['Example: convlens features cat.jpg --model resnet50.onnx --layer layer1 --order mean --max 32 --out maps/'],
});

export async function filtersCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const args = parseCommandLine(filtersSpec, argv, print);
  if (!args) return;
  const { values } = args;
  if (!values.layer) throw usageError('filters', 'Missing --layer: name a convolution (see `convlens layers`).');
  if (values.range && values.range !== 'shared' && values.range !== 'per-filter') throw usageError('filters', '--range must be shared or per-filter.');
  const grid = { range: values.range as 'shared' | 'per-filter' | undefined, maxFilters: numberFlag('filters', 'max', values.max, { wholeFrom: 1 }) };
  const model = await openModelFromFlags(values);
  try {
    const result = filters(model, values.layer);
    const figure = filtersFigure(result, grid);
    const file = values.out ?? 'convlens-filters.png';
    const out = new OutputDir(dirname(file));
    const png = out.add(basename(file), await encodePngBytes(figure));
    if (values.raw) out.add(`${basename(file, extname(file))}.npy`, encodeNpy(result.weights));
    await out.commit();
    print(`${result.node}: weights [${result.weights.shape.join(', ')}]; wrote ${png}`);
  } finally {
    await model.dispose();
  }
}

export async function featuresCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const args = parseCommandLine(featuresSpec, argv, print);
  if (!args) return;
  const { values, positionals } = args;
  if (!values.layer) throw usageError('features', 'Missing --layer: name any layer (see `convlens layers`).');
  if (values.order && values.order !== 'index' && values.order !== 'mean') throw usageError('features', '--order must be index or mean.');
  if (values.range && values.range !== 'per-channel' && values.range !== 'shared') throw usageError('features', '--range must be per-channel or shared.');
  const grid = { maxChannels: numberFlag('features', 'max', values.max, { wholeFrom: 1 }), range: values.range as 'per-channel' | 'shared' | undefined };
  const out = new OutputDir(values.out ?? 'convlens-features');
  out.check();
  const model = await openModelFromFlags(values);
  try {
    const images = [];
    for (const p of positionals) images.push(await loadImage(p, { atLeast: model.preprocessSpec.size }));
    const x = await model.preprocess(images);
    const result = await featureMaps(model, x, values.layer, { order: values.order as 'index' | 'mean' | undefined });
    const stems = uniqueStems(positionals);
    const figures = featureMapFigures(result, stems, grid);
    const perItem = result.raw.data.length / result.raw.shape[0];
    for (const [i, stem] of stems.entries()) {
      out.add(`${stem}.features.png`, await encodePngBytes(figures[i]));
      if (values.raw) out.add(`${stem}.features.npy`, encodeNpy({ data: result.raw.data.slice(i * perItem, (i + 1) * perItem), shape: result.raw.shape.slice(1) }));
    }
    const written = await out.commit();
    print(`layer ${values.layer} output [${result.raw.shape.join(', ')}]; wrote ${written.length} files to ${out.dir}`);
  } finally {
    await model.dispose();
  }
}
