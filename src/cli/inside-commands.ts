/** `convlens filters` and `convlens features`: a layer's weights, and its outputs for images. */
import { basename, dirname, extname } from 'node:path';
import { encodeNpy } from '../image/npy.js';
import { featureMaps } from '../methods/feature-maps.js';
import { filters } from '../methods/filters.js';
import { encodePngBytes } from '../node/codecs.js';
import { loadImage } from '../node/index.js';
import { defineCommand, numberFlag, parseCommandLine, usageError } from './command-line.js';
import { modelFlags, openModelFromFlags } from './options.js';
import { uniqueStems } from './output-names.js';
import { OutputDir } from './output-dir.js';
import { figureWithLegend } from '../render/figure.js';

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
  const model = await openModelFromFlags(values);
  try {
    const result = filters(model, values.layer, { range: values.range as 'shared' | 'per-filter' | undefined, maxFilters: numberFlag('filters', 'max', values.max, { wholeFrom: 1 }) });
    const file = values.out ?? 'convlens-filters.png';
    const out = new OutputDir(dirname(file));
    const [O, I] = result.weights.shape;
    const parts = [`${result.shown.filters} of ${O} filters`];
    if (result.shown.inputs < I) parts.push(`input channels 0-${result.shown.inputs - 1} of ${I} (each row a filter, each column one input channel)`);
    const figure = figureWithLegend(result.image, {
      title: `filters · ${values.layer} (${result.node}) · ${parts.join(' · ')}`,
      subtitle: result.range ? 'one gray scale for the whole layer' : 'each filter its own gray scale, black its lowest weight, white its highest',
      colorBar: result.range
        ? { kind: 'colormap', colormap: 'gray', min: result.range[0], max: result.range[1], caption: 'weight' }
        : { kind: 'colormap', colormap: 'gray', min: 0, max: 1, caption: 'weight, 0 = the filter\'s lowest, 1 = its highest' },
    });
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
  const out = new OutputDir(values.out ?? 'convlens-features');
  out.check();
  const model = await openModelFromFlags(values);
  try {
    const images = [];
    for (const p of positionals) images.push(await loadImage(p, { atLeast: model.preprocessSpec.size }));
    const x = await model.preprocess(images);
    const range = values.range as 'per-channel' | 'shared' | undefined;
    const result = await featureMaps(model, x, values.layer, { order: values.order as 'index' | 'mean' | undefined, maxChannels: numberFlag('features', 'max', values.max, { wholeFrom: 1 }), range });
    const channels = result.raw.shape[1];
    const perItem = result.raw.data.length / result.raw.shape[0];
    for (const [i, stem] of uniqueStems(positionals).entries()) {
      const shared = result.ranges[i];
      const figure = figureWithLegend(result.images[i], {
        title: `feature maps · ${values.layer} · ${stem} · ${result.shown} of ${channels} channels${values.order === 'mean' ? ', strongest mean first' : ''}`,
        subtitle: shared ? 'one colour range across the maps shown (strengths compare)' : 'each map its own colour range (patterns show; strengths do not compare)',
        colorBar: shared
          ? { kind: 'colormap', colormap: 'viridis', min: shared[0], max: shared[1], caption: 'activation' }
          : { kind: 'colormap', colormap: 'viridis', min: 0, max: 1, caption: 'activation, 0 = the map\'s lowest, 1 = its highest' },
      });
      out.add(`${stem}.features.png`, await encodePngBytes(figure));
      if (values.raw) out.add(`${stem}.features.npy`, encodeNpy({ data: result.raw.data.slice(i * perItem, (i + 1) * perItem), shape: result.raw.shape.slice(1) }));
    }
    const written = await out.commit();
    print(`layer ${values.layer} output [${result.raw.shape.join(', ')}]; wrote ${written.length} files to ${out.dir}`);
  } finally {
    await model.dispose();
  }
}
