/** `convlens compare`: one method across models, layers, classes or inputs, as one labelled PNG. */
import { basename, dirname, extname } from 'node:path';
import { parseArgs } from 'node:util';
import { encodePngBytes } from '../node/codecs.js';
import { loadImage, loadModel } from '../node/index.js';
import { compare, type CompareAxis } from '../render/compare.js';
import { methodOptionSpec, parseMethodOptions } from './method-options.js';
import { badUsage, modelOptions, modelOptionSpec } from './options.js';
import { OutputDir } from './output-dir.js';

const list = (value: string) => value.split(',').map((v) => v.trim()).filter((v) => v.length > 0);

export async function compareCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      ...modelOptionSpec, model: { type: 'string', multiple: true },
      ...methodOptionSpec, method: { type: 'string' }, layers: { type: 'string' }, targets: { type: 'string' }, out: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw badUsage('Give at least one image to compare on.');
  const models = values.model ?? [];
  if (models.length === 0) throw badUsage('Missing --model: give one model, or several to compare them.');
  const modes = [models.length > 1, values.layers !== undefined, values.targets !== undefined].filter(Boolean).length;
  if (modes > 1) throw badUsage('Compare along one axis at a time: several --model, or --layers, or --targets.');
  const options = await modelOptions({ ...values, model: undefined });
  const inputs = [];
  for (const p of positionals) inputs.push({ name: basename(p, extname(p)), image: await loadImage(p) });
  const method = values.method ?? 'gradcam';
  const methodOptions = parseMethodOptions(values);
  const single = models.length === 1 ? await loadModel(models[0], options) : undefined;
  try {
    let axis: CompareAxis;
    if (!single) axis = { by: 'model', models: models.map((m) => ({ name: basename(m, extname(m)), open: () => loadModel(m, options) })) };
    else if (values.layers !== undefined) axis = { by: 'layer', model: single, layers: list(values.layers) };
    else if (values.targets !== undefined) axis = { by: 'class', model: single, targets: list(values.targets).map((t) => (/^\d+$/.test(t) ? Number(t) : t)) };
    else axis = { by: 'input', model: single };
    const result = await compare(inputs, method, axis, methodOptions);
    const file = values.out ?? 'convlens-compare.png';
    const out = new OutputDir(dirname(file));
    const written = out.add(basename(file), await encodePngBytes(result.figure));
    await out.commit();
    print(`wrote ${written} (${result.rowLabels.length} rows: ${result.rowLabels.join(', ')}; columns: ${result.columnLabels.join(', ')})`);
  } finally {
    await single?.dispose();
  }
}
