/**
 * Calls on one model that run at the same time: many more compiled variants than the session
 * cache keeps, mixed methods and layers, two models at once. Each result must equal, byte for
 * byte, the same call made alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { MiB } from '../../src/engine/runtime.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { findMethod, type MethodOptions } from '../../src/methods/registry.js';
import { seededNormal } from '../../src/numeric/seeded-random.js';
import { loadModel } from '../../src/node/index.js';
import { fixtureModel } from '../cli/cli-harness.js';

const shapesModel = new URL('../../models/shapes.onnx', import.meta.url).pathname;

interface Call {
  model: 'shapes' | 'resnet';
  method: string;
  options: MethodOptions;
}

const shapesLayers = ['features.0', 'features.1', 'features.2', 'features.3', 'features.4', 'features.5', 'features.6', 'features.7', 'features.8'];
const resnetLayers = ['layer1', 'layer2', 'layer3', 'layer4', 'layer1.0.conv1', 'layer2.0.conv2', 'layer3.1.conv1'];

/** 70 calls over more than 30 compiled variants (the cache keeps 6 per model). */
function calls(): Call[] {
  const list: Call[] = [];
  const camMethods = ['gradcam', 'gradcam++', 'layercam', 'guided-gradcam'];
  for (const [model, layers] of [['shapes', shapesLayers], ['resnet', resnetLayers]] as const) {
    layers.forEach((layer, i) => {
      for (const method of camMethods) list.push({ model, method, options: { layer, target: i % 3 } });
    });
    for (const method of ['saliency', 'guided', 'deconvnet', 'gradxinput']) list.push({ model, method, options: { target: 'top1' } });
    list.push({ model, method: 'smoothgrad', options: { samples: 3, seed: 7, target: 1 } });
    list.push({ model, method: 'ig', options: { steps: 5, target: 2 } });
  }
  return list;
}

function randomInput(shape: number[], seed: number): FloatTensor {
  const normal = seededNormal(seed);
  return { data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, normal), shape };
}

const bytesOf = (t: FloatTensor) => Buffer.from(t.data.buffer, t.data.byteOffset, t.data.byteLength).toString('base64');

describe('concurrent calls on one model', () => {
  const models: Record<string, ConvlensModel> = {};
  const inputs: Record<string, FloatTensor> = {};
  beforeAll(async () => {
    models.shapes = await loadModel(shapesModel, { preprocess: 'unit' });
    // A small budget so batches split into chunks and sessions are evicted for room too.
    models.resnet = await loadModel(fixtureModel('resnet_basic.legacy-dynbatch'), { preprocess: 'unit', memoryBudget: 8 * MiB });
    for (const [name, m] of Object.entries(models)) inputs[name] = randomInput([3, ...m.itemShape], name.length);
  });
  afterAll(async () => {
    await Promise.all(Object.values(models).map((m) => m.dispose()));
  });

  const run = (c: Call) => findMethod(c.method).run(models[c.model], inputs[c.model], c.options);

  it('gives each call the bytes it gives alone, on two models at once', async () => {
    const list = calls();
    const alone: string[][] = [];
    for (const c of list) {
      const r = await run(c);
      alone.push([bytesOf(r.raw), bytesOf(r.map)]);
      // Alone means alone: nothing cached from the call before.
      await models[c.model].dispose();
    }
    const together = await Promise.all(list.map(run));
    together.forEach((r, i) => {
      expect([bytesOf(r.raw), bytesOf(r.map)], `${list[i].model} ${list[i].method} ${JSON.stringify(list[i].options)}`).toEqual(alone[i]);
    });
  });

  it('finishes calls already running when the model is disposed under them', async () => {
    const list = calls().slice(0, 12);
    const expected = await Promise.all(list.map(run));
    const running = Promise.all(list.map(run));
    await models.shapes.dispose();
    await models.resnet.dispose();
    const results = await running;
    results.forEach((r, i) => expect(bytesOf(r.raw)).toBe(bytesOf(expected[i].raw)));
  });
});
