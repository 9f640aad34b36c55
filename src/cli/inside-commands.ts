/** `convlens filters` and `convlens features`: a layer's weights, and its outputs for images. */
import { basename, dirname, extname } from 'node:path';
import { encodeNpy } from '../image/npy.js';
import { featureMaps } from '../methods/feature-maps.js';
import { filters } from '../methods/filters.js';
import { encodePngBytes } from '../node/codecs.js';
import { loadImage } from '../node/index.js';
import { defineCommand, parseCommandLine, usageError } from './command-line.js';
import { modelFlags, openModelFromFlags } from './options.js';
import { OutputDir } from './output-dir.js';

function positiveInt(command: string, flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usageError(command, `--${flag} must be a positive integer; got "${value}".`);
  return n;
}

export const filtersSpec = defineCommand({
  name: 'filters',
  summary: 'Writes the kernels of a convolution as a grid: first-layer kernels in colour, deeper ones one input channel at a time.',
  flags: {
    ...modelFlags,
    layer: { type: 'string', value: 'L', help: 'the convolution (see `convlens layers`)' },
    range: { type: 'string', value: 'shared|per-filter', help: 'one colour scale for all kernels, or one per kernel (default shared)' },
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
    const result = filters(model, values.layer, { range: values.range as 'shared' | 'per-filter' | undefined, maxFilters: positiveInt('filters', 'max', values.max) });
    const file = values.out ?? 'convlens-filters.png';
    const out = new OutputDir(dirname(file));
    const png = out.add(basename(file), await encodePngBytes(result.image));
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
  const images = [];
  for (const p of positionals) images.push(await loadImage(p));
  const model = await openModelFromFlags(values);
  try {
    const x = await model.preprocess(images);
    const result = await featureMaps(model, x, values.layer, { order: values.order as 'index' | 'mean' | undefined, maxChannels: positiveInt('features', 'max', values.max) });
    const out = new OutputDir(values.out ?? 'convlens-features');
    const perItem = result.raw.data.length / result.raw.shape[0];
    for (const [i, p] of positionals.entries()) {
      const stem = basename(p, extname(p));
      out.add(`${stem}.features.png`, await encodePngBytes(result.images[i]));
      if (values.raw) out.add(`${stem}.features.npy`, encodeNpy({ data: result.raw.data.slice(i * perItem, (i + 1) * perItem), shape: result.raw.shape.slice(1) }));
    }
    const written = await out.commit();
    print(`layer ${values.layer} output [${result.raw.shape.join(', ')}]; wrote ${written.length} files to ${out.dir}`);
  } finally {
    await model.dispose();
  }
}
