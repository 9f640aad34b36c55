/** `convlens filters` and `convlens features`: a layer's weights, and its outputs for images. */
import { basename, dirname, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { encodeNpy } from '../image/npy.js';
import { featureMaps } from '../methods/feature-maps.js';
import { filters } from '../methods/filters.js';
import { encodePngBytes } from '../node/codecs.js';
import { loadImage } from '../node/index.js';
import { badUsage, modelOptionSpec, openModelFromFlags, refuseSeveralModels } from './options.js';
import { uniqueStems } from './file-stems.js';
import { OutputDir } from './output-dir.js';

function positiveInt(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw badUsage(`--${flag} must be a positive integer; got "${value}".`);
  return n;
}

export async function filtersCommand(argv: string[], print: (line: string) => void): Promise<void> {
  refuseSeveralModels(argv, 'filters');
  const { values } = parseArgs({
    args: argv, strict: true,
    options: { ...modelOptionSpec, layer: { type: 'string' }, range: { type: 'string' }, max: { type: 'string' }, out: { type: 'string' }, raw: { type: 'boolean' } },
  });
  if (!values.layer) throw badUsage('Missing --layer: name a convolution (see `convlens layers`).');
  if (values.range && values.range !== 'shared' && values.range !== 'per-filter') throw badUsage('--range must be shared or per-filter.');
  const model = await openModelFromFlags(values);
  try {
    const result = filters(model, values.layer, { range: values.range as 'shared' | 'per-filter' | undefined, maxFilters: positiveInt('max', values.max) });
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
  refuseSeveralModels(argv, 'features');
  const { values, positionals } = parseArgs({
    args: argv, strict: true, allowPositionals: true,
    options: { ...modelOptionSpec, layer: { type: 'string' }, order: { type: 'string' }, max: { type: 'string' }, out: { type: 'string' }, raw: { type: 'boolean' } },
  });
  if (positionals.length === 0) throw badUsage('Give at least one image.');
  if (!values.layer) throw badUsage('Missing --layer: name any layer (see `convlens layers`).');
  if (values.order && values.order !== 'index' && values.order !== 'mean') throw badUsage('--order must be index or mean.');
  const out = new OutputDir(values.out ?? 'convlens-features');
  out.check();
  const model = await openModelFromFlags(values);
  try {
    const images = [];
    for (const p of positionals) images.push(await loadImage(p, { atLeast: model.preprocessSpec.size }));
    const x = await model.preprocess(images);
    const result = await featureMaps(model, x, values.layer, { order: values.order as 'index' | 'mean' | undefined, maxChannels: positiveInt('max', values.max) });
    const perItem = result.raw.data.length / result.raw.shape[0];
    for (const [i, stem] of uniqueStems(positionals).entries()) {
      out.add(`${stem}.features.png`, await encodePngBytes(result.images[i]));
      if (values.raw) out.add(`${stem}.features.npy`, encodeNpy({ data: result.raw.data.slice(i * perItem, (i + 1) * perItem), shape: result.raw.shape.slice(1) }));
    }
    const written = await out.commit();
    print(`layer ${values.layer} output [${result.raw.shape.join(', ')}]; wrote ${written.length} files to ${out.dir}`);
  } finally {
    await model.dispose();
  }
}
