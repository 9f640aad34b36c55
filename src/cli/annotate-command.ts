/**
 * `convlens annotate`: stores preprocessing, input size and class names in a copy of the
 * model's metadata, so they travel with the file and `loadModel` applies them.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { ConvlensError } from '../errors.js';
import { parsePreprocess } from '../image/preprocess.js';
import { withAnnotations, type AnnotationUpdate } from '../onnx/annotations.js';
import { encodeModel } from '../onnx/codec.js';
import { readModelSource } from '../node/model-source.js';
import { badUsage, modelOptions } from './options.js';

export async function annotateCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv, strict: true,
    options: { model: { type: 'string' }, preprocess: { type: 'string' }, 'input-size': { type: 'string' }, labels: { type: 'string' }, resize: { type: 'string' }, out: { type: 'string' } },
  });
  if (!values.model) throw badUsage('Missing --model: give the ONNX model to annotate.');
  if (values.resize && values.resize !== 'crop' && values.resize !== 'stretch') throw badUsage('--resize must be crop or stretch.');
  const parsed = await modelOptions(values);
  const update: AnnotationUpdate = {};
  if (values.preprocess || values.resize) {
    update.preprocess = { ...parsePreprocess(values.preprocess ?? 'imagenet'), ...(values.resize ? { resize: values.resize as 'crop' | 'stretch' } : {}) };
  }
  if (parsed.inputSize) update.inputSize = parsed.inputSize;
  if (parsed.labels) update.labels = parsed.labels;
  if (Object.keys(update).length === 0) throw badUsage('Nothing to annotate: give --preprocess, --resize, --input-size or --labels.');
  const { model } = await readModelSource(values.model);
  const out = values.out ?? join(dirname(values.model), `${basename(values.model, extname(values.model))}.annotated.onnx`);
  const tmp = `${out}.tmp-${process.pid}`;
  try {
    await writeFile(tmp, encodeModel(withAnnotations(model, update)));
    await rename(tmp, out);
  } catch (e) {
    await rm(tmp, { force: true });
    if (e instanceof ConvlensError) throw e;
    throw new ConvlensError('OUTPUT_UNWRITABLE', `Cannot write ${out} (${(e as Error).message}); choose another path with --out.`, { cause: e });
  }
  print(`wrote ${out}`);
}
