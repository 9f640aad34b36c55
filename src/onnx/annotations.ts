/**
 * What convlens needs to know about a model that ONNX does not say (how to preprocess
 * images, the input size, class names), stored in the model's own `metadata_props` so a
 * model file carries it wherever it goes.
 */
import { ConvlensError } from '../errors.js';
import { parsePreprocess, type NormalizationChoice, type PreprocessSpec } from '../preprocess/preprocess-images.js';
import type { Model } from './types.js';

/** The metadata keys convlens reads and writes. */
export const annotationKeys = {
  preprocess: 'convlens.preprocess',
  inputSize: 'convlens.input_size',
  labels: 'convlens.labels',
  outputs: 'convlens.outputs',
} as const;

/** Preprocessing stored with a model: a normalization plus, optionally, the geometry. */
export type PreprocessAnnotation = NormalizationChoice & Partial<Pick<PreprocessSpec, 'size' | 'resize' | 'cropFraction'>>;

export interface ModelAnnotations {
  /** JSON of a (partial) PreprocessSpec under `convlens.preprocess`. */
  preprocess?: PreprocessAnnotation;
  /** `[height, width]` the model expects, under `convlens.input_size`. */
  inputSize?: [number, number];
  /** Class names, index for index with the model's outputs, under `convlens.labels`. */
  labels?: string[];
  /**
   * What the outputs are, under `convlens.outputs`: `'classes'` (scores of classes, shown as
   * softmax probabilities; the default) or `'values'` (regression: shown as they are).
   */
  outputs?: 'classes' | 'values';
}

const GEOMETRY_KEYS = ['size', 'resize', 'cropFraction'];

function bad(key: string, problem: string): ConvlensError {
  return new ConvlensError('BAD_OPTION',
    `Model metadata "${key}" ${problem} Fix or remove that entry (e.g. with onnx: del model.metadata_props[...]), or write it again with withAnnotations.`);
}

function parseJson(key: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw bad(key, `is not valid JSON (${(e as Error).message}).`);
  }
}

function checkSize(key: string, v: unknown): [number, number] {
  const pair = typeof v === 'number' ? [v, v] : v;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((d) => Number.isInteger(d) && d > 0)) {
    throw bad(key, `must be [height, width] in positive integers (or one integer for a square), got ${JSON.stringify(v)}.`);
  }
  return [pair[0], pair[1]];
}

function readPreprocess(text: string): PreprocessAnnotation {
  const key = annotationKeys.preprocess;
  const obj = parseJson(key, text);
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) throw bad(key, `must be a JSON object such as {"preset":"imagenet","resize":"crop"}, got ${text}.`);
  const rec = obj as Record<string, unknown>;
  const norm = Object.fromEntries(Object.entries(rec).filter(([k]) => !GEOMETRY_KEYS.includes(k)));
  let choice: NormalizationChoice;
  try {
    choice = parsePreprocess(norm);
  } catch (e) {
    if (e instanceof ConvlensError) throw bad(key, `is not a valid preprocessing: ${e.message}`);
    throw e;
  }
  const out: PreprocessAnnotation = { ...choice };
  if (rec.size !== undefined) out.size = checkSize(`${key}" field "size`, rec.size);
  if (rec.resize !== undefined) {
    if (rec.resize !== 'crop' && rec.resize !== 'stretch') throw bad(key, `field "resize" must be "crop" or "stretch", got ${JSON.stringify(rec.resize)}.`);
    out.resize = rec.resize;
  }
  if (rec.cropFraction !== undefined) {
    if (typeof rec.cropFraction !== 'number' || !(rec.cropFraction > 0 && rec.cropFraction <= 1)) {
      throw bad(key, `field "cropFraction" must be a number in (0, 1], got ${JSON.stringify(rec.cropFraction)}.`);
    }
    out.cropFraction = rec.cropFraction;
  }
  return out;
}

function readLabels(text: string): string[] {
  const key = annotationKeys.labels;
  const v = parseJson(key, text);
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'string')) {
    throw bad(key, `must be a non-empty JSON array of class names, e.g. ["cat","dog"]; got ${text.length > 80 ? `${text.slice(0, 80)}…` : text}.`);
  }
  return v;
}

/**
 * Reads and validates convlens's annotations from `model.metadata`. Absent keys are
 * absent from the result; a malformed value gives a `BAD_OPTION` error naming the key.
 *
 * @example
 * const { preprocess, labels } = readAnnotations(model);
 * labels?.[281]; // 'tabby cat'
 */
export function readAnnotations(model: Model): ModelAnnotations {
  const meta = model.metadata;
  const out: ModelAnnotations = {};
  const pre = meta[annotationKeys.preprocess];
  if (pre !== undefined) out.preprocess = readPreprocess(pre);
  const size = meta[annotationKeys.inputSize];
  if (size !== undefined) out.inputSize = checkSize(annotationKeys.inputSize, parseJson(annotationKeys.inputSize, size));
  const labels = meta[annotationKeys.labels];
  if (labels !== undefined) out.labels = readLabels(labels);
  const outputs = meta[annotationKeys.outputs];
  if (outputs !== undefined) {
    const kind = parseJson(annotationKeys.outputs, outputs);
    if (kind !== 'classes' && kind !== 'values') throw bad(annotationKeys.outputs, `must be "classes" or "values", got ${outputs}.`);
    out.outputs = kind;
  }
  if (out.inputSize && out.preprocess?.size && out.inputSize.some((d, i) => d !== out.preprocess!.size![i])) {
    throw bad(annotationKeys.inputSize,
      `is [${out.inputSize}] but "${annotationKeys.preprocess}" has size [${out.preprocess.size}]; they must agree.`);
  }
  return out;
}

/** Annotation changes: a value sets the key, `null` removes it, an absent field leaves it. */
export type AnnotationUpdate = { [K in keyof ModelAnnotations]?: ModelAnnotations[K] | null };

/**
 * A copy of `model` with annotations set or removed; `model` itself is not changed (the
 * copy shares its graph). The result is validated as {@link readAnnotations} would.
 *
 * @example
 * const annotated = withAnnotations(model, { preprocess: { preset: 'imagenet', resize: 'crop' }, inputSize: [224, 224] });
 * await writeFile('model.onnx', encodeModel(annotated));
 */
export function withAnnotations(model: Model, update: AnnotationUpdate): Model {
  const metadata = { ...model.metadata };
  const set = (key: string, value: unknown): void => {
    if (value === null) delete metadata[key];
    else if (value !== undefined) metadata[key] = JSON.stringify(value);
  };
  set(annotationKeys.preprocess, update.preprocess);
  set(annotationKeys.inputSize, update.inputSize);
  set(annotationKeys.labels, update.labels);
  set(annotationKeys.outputs, update.outputs);
  const next: Model = { ...model, metadata };
  readAnnotations(next);
  return next;
}
