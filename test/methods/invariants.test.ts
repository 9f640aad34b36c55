/**
 * Every registered method on every fixture model and exporter: the right shapes, finite
 * values, identical bytes on a repeated call, and the model file and decoded model unchanged.
 * A method added to the registry is covered here without further work.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { ConvlensError } from '../../src/errors.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { checkMethod } from '../../src/methods/method-checks.js';
import { methodRegistry, type MethodEntry } from '../../src/methods/registry.js';
import { loadModel } from '../../src/node/index.js';
import { loadRefs, modelPath } from './refs.js';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const floatBytes = (a: Float32Array) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

const models = ['tiny_cnn', 'alexnet', 'vgg', 'resnet_basic', 'resnet_bottleneck', 'densenet', 'squeezenet',
  'mobilenet_v2', 'mobilenet_v3', 'googlenet', 'shufflenet', 'vit'];
/** Models whose classifier is not a global pool followed by one linear layer. */
const withoutCamHead = new Set(['vgg', 'alexnet', 'mobilenet_v3', 'vit']);

/** The error a method must give on a model, or undefined when it must succeed. */
function expectedError(method: MethodEntry, model: string): string | undefined {
  if (method.name === 'cam' && withoutCamHead.has(model)) return 'NO_CAM_HEAD';
  // The ViT's layers are token sequences: nothing for a CAM method to lay over the image.
  if (method.usesLayer && model === 'vit') return 'NO_SPATIAL_OUTPUT';
  return undefined;
}

describe.each(models.flatMap((m) => loadRefsExports(m).map((e) => [m, e])))('%s (%s exporter)', (name, exporter) => {
  const refs = loadRefs(name);
  const path = modelPath(refs.json.exports[exporter].file);
  const x = refs.array('input');
  const [N, , H, W] = x.shape;
  let model: ConvlensModel;
  let fileBefore: string;
  let decodedBefore: string;
  beforeAll(async () => {
    fileBefore = sha(readFileSync(path));
    model = await loadModel(path, { preprocess: 'unit' });
    decodedBefore = sha(encodeModel(model.onnxModel));
  });
  afterAll(async () => {
    expect(sha(encodeModel(model.onnxModel))).toBe(decodedBefore);
    expect(sha(readFileSync(path))).toBe(fileBefore);
    await model.dispose();
  });

  it.each(methodRegistry.map((m) => [m.name, m] as const))('%s', async (_, method) => {
    const options = {
      target: { perImage: refs.json.targets }, layer: method.usesLayer ? refs.json.layer : undefined,
      samples: 3, steps: 4, patch: Math.max(2, H >> 2),
    };
    const code = expectedError(method, name);
    // The check made before computing agrees with the run: it passes when the run succeeds and
    // names the same error when the run fails (except a missing VJP rule, found while the graph is built).
    const checked = (() => { try { checkMethod(method, model, options, N); return undefined; } catch (e) { return e as ConvlensError; } })();
    if (!code || code === 'NOT_DIFFERENTIABLE') expect(checked?.message).toBeUndefined();
    else expect(checked?.code).toBe(code);
    if (code) {
      const error = await method.run(model, x, options).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(ConvlensError);
      expect((error as ConvlensError).code).toBe(code);
      return;
    }
    const first = await method.run(model, x, options);
    expect(first.display).toBe(method.display);
    expect(first.map.shape).toEqual([N, H, W]);
    expect(first.raw.shape[0]).toBe(N);
    if (method.usesLayer || first.display === 'gradient') expect(first.raw.shape.length).toBeGreaterThanOrEqual(3);
    if (first.display === 'gradient') expect(first.raw.shape).toEqual(x.shape);
    expect(first.raw.data.every(Number.isFinite)).toBe(true);
    expect(first.map.data.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(first.raw.data.some((v) => v !== 0)).toBe(true);
    expect(first.target).toEqual(refs.json.targets);
    const second = await method.run(model, x, options);
    expect(sha(floatBytes(second.raw.data))).toBe(sha(floatBytes(first.raw.data)));
    expect(sha(floatBytes(second.map.data))).toBe(sha(floatBytes(first.map.data)));
  });
});

function loadRefsExports(name: string): string[] {
  return Object.keys(loadRefs(name).json.exports);
}
