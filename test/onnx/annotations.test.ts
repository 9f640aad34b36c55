import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConvlensError } from '../../src/errors.js';
import { annotationKeys, readAnnotations, withAnnotations } from '../../src/onnx/annotations.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';
import type { Model } from '../../src/onnx/types.js';

const bytes = readFileSync(new URL('../fixtures/models/tiny_cnn.legacy.onnx', import.meta.url));
const base = (): Model => decodeModel(bytes, 'tiny_cnn');

function withMeta(meta: Record<string, string>): Model {
  const m = base();
  return { ...m, metadata: { ...m.metadata, ...meta } };
}

function errorOf(f: () => unknown): ConvlensError {
  try { f(); } catch (e) { if (e instanceof ConvlensError) return e; throw e; }
  throw new Error('expected a ConvlensError');
}

describe('model annotations', () => {
  it('reads nothing from a model without them', () => {
    expect(readAnnotations(base())).toEqual({});
  });

  it('survives encoding to ONNX bytes and back, without touching the original model', () => {
    const model = base();
    const annotated = withAnnotations(model, {
      preprocess: { preset: 'imagenet', resize: 'crop', cropFraction: 0.875 },
      inputSize: [32, 32],
      labels: ['cat', 'dog', 'ship'],
    });
    expect(model.metadata).toEqual({});
    expect(annotated.graph).toBe(model.graph);
    expect(annotated.metadata[annotationKeys.inputSize]).toBe('[32,32]');
    const reread = readAnnotations(decodeModel(encodeModel(annotated), 'annotated'));
    expect(reread).toEqual({ preprocess: { preset: 'imagenet', resize: 'crop', cropFraction: 0.875 }, inputSize: [32, 32], labels: ['cat', 'dog', 'ship'] });
  });

  it('normalizes custom statistics as parsePreprocess does', () => {
    const m = withMeta({ [annotationKeys.preprocess]: '{"mean":[123.7,116.3,103.5],"std":[58.4],"channelOrder":"BGR","size":[224,224]}' });
    expect(readAnnotations(m).preprocess).toEqual({ mean: [123.7, 116.3, 103.5], std: [58.4, 58.4, 58.4], scale: 255, channelOrder: 'BGR', size: [224, 224] });
    expect(readAnnotations(withMeta({ [annotationKeys.inputSize]: '299' })).inputSize).toEqual([299, 299]);
  });

  it('removes a key given null and leaves absent ones alone', () => {
    const a = withAnnotations(base(), { labels: ['a', 'b'], inputSize: [8, 8] });
    const b = withAnnotations(a, { labels: null });
    expect(readAnnotations(b)).toEqual({ inputSize: [8, 8] });
    expect(Object.keys(b.metadata)).toEqual([annotationKeys.inputSize]);
  });

  it('names the key of a malformed value', () => {
    const cases: [Record<string, string>, string, RegExp][] = [
      [{ [annotationKeys.preprocess]: '{"preset":"imagenet"' }, annotationKeys.preprocess, /not valid JSON/],
      [{ [annotationKeys.preprocess]: '{"preset":"imagenet21k"}' }, annotationKeys.preprocess, /Unknown preprocessing preset "imagenet21k"/],
      [{ [annotationKeys.preprocess]: '{"preset":"unit","resize":"fit"}' }, annotationKeys.preprocess, /"resize" must be "crop" or "stretch"/],
      [{ [annotationKeys.preprocess]: '["imagenet"]' }, annotationKeys.preprocess, /must be a JSON object/],
      [{ [annotationKeys.inputSize]: '[224, 0]' }, annotationKeys.inputSize, /positive integers/],
      [{ [annotationKeys.labels]: '["cat", 3]' }, annotationKeys.labels, /non-empty JSON array of class names/],
      [{ [annotationKeys.labels]: '[]' }, annotationKeys.labels, /non-empty/],
      [{ [annotationKeys.inputSize]: '[224,224]', [annotationKeys.preprocess]: '{"preset":"unit","size":[256,256]}' }, annotationKeys.inputSize, /must agree/],
    ];
    for (const [meta, key, problem] of cases) {
      const e = errorOf(() => readAnnotations(withMeta(meta)));
      expect(e.code).toBe('BAD_OPTION');
      expect(e.message).toContain(`Model metadata "${key}"`);
      expect(e.message).toMatch(problem);
    }
  });

  it('refuses to write what it could not read back', () => {
    const e = errorOf(() => withAnnotations(base(), { inputSize: [224.5, 224] as [number, number] }));
    expect(e.code).toBe('BAD_OPTION');
    expect(e.message).toContain(annotationKeys.inputSize);
  });
});
