/**
 * `convlens annotate`: stores preprocessing, input size and class names in a copy of the
 * model's metadata, so they travel with the file and `loadModel` applies them.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { ConvlensError } from '../errors.js';
import { parsePreprocess } from '../preprocess/preprocess-images.js';
import { withAnnotations, type AnnotationUpdate } from '../onnx/annotations.js';
import { encodeModel } from '../onnx/codec.js';
import { readModelSource } from '../node/model-source.js';
import { defineCommand, parseCommandLine, usageError } from './command-line.js';
import { modelFlags, modelOptions } from './options.js';

export const annotateSpec = defineCommand({
  name: 'annotate',
  summary: 'Writes a copy of the model whose metadata holds its preprocessing, input size, class names and the kind of its outputs, '
    + 'so they travel with the file.',
  flags: {
    model: { ...modelFlags.model, help: 'the model to annotate (a path)' },
    preprocess: modelFlags.preprocess,
    'input-size': modelFlags['input-size'],
    labels: modelFlags.labels,
    resize: { type: 'string', value: 'crop|stretch', help: 'how pictures are fitted to the input size' },
    outputs: { type: 'string', value: 'classes|values', help: 'class scores (shown as probabilities), or values of a regression (shown as they are)' },
    out: { type: 'string', value: 'OUT.onnx', help: 'the annotated copy (default <model>.annotated.onnx)' },
  },
  notes: ['Example: convlens annotate --model net.onnx --preprocess imagenet --input-size 224 --labels labels.txt'],
});

export async function annotateCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const args = parseCommandLine(annotateSpec, argv, print);
  if (!args) return;
  const { values } = args;
  if (!values.model) throw usageError('annotate', 'Missing --model: give the ONNX model to annotate.');
  if (values.resize && values.resize !== 'crop' && values.resize !== 'stretch') throw usageError('annotate', '--resize must be crop or stretch.');
  if (values.outputs && values.outputs !== 'classes' && values.outputs !== 'values') throw usageError('annotate', '--outputs must be classes or values.');
  const parsed = await modelOptions(values);
  const update: AnnotationUpdate = {};
  if (values.preprocess || values.resize) {
    update.preprocess = { ...parsePreprocess(values.preprocess ?? 'imagenet'), ...(values.resize ? { resize: values.resize as 'crop' | 'stretch' } : {}) };
  }
  if (parsed.inputSize) update.inputSize = parsed.inputSize;
  if (parsed.labels) update.labels = parsed.labels;
  if (values.outputs) update.outputs = values.outputs as 'classes' | 'values';
  if (Object.keys(update).length === 0) throw usageError('annotate', 'Nothing to annotate: give --preprocess, --resize, --input-size, --labels or --outputs.');
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
