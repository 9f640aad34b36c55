/**
 * Gradient ascent works: a channel of the shapes model rises at least 5x in 128 steps, and on
 * every fixture architecture the objective rises (the mean of the last 16 steps above the
 * mean of the first 16).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { loadModel } from '../../src/node/index.js';
import { visualize } from '../../src/synthesis/visualize.js';
import { loadRefs, modelPath } from '../methods/refs.js';

const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;

describe('a channel of the shapes model', () => {
  let model: ConvlensModel;
  afterAll(() => model?.dispose());

  it('rises at least 5x in 128 steps, for both parameterizations', async () => {
    model = await loadModel('models/shapes.onnx');
    for (const param of ['fft', 'pixels'] as const) {
      const r = await visualize(model, 'channel:features.7:2', { steps: 128, param, seed: 1 });
      expect(r.curve).toHaveLength(128);
      expect(r.curve[0]).toBeGreaterThan(0.1);
      expect(r.curve[127]).toBeGreaterThan(5 * r.curve[0]);
    }
  });

  it('climbs out of a dead start only with the redirected ReLU gradient', async () => {
    model ??= await loadModel('models/shapes.onnx');
    // Channel 11 is zero everywhere on a grey image, so its true gradient is zero too.
    const stuck = await visualize(model, 'channel:features.7:11', { steps: 24, seed: 1, redirectedReluSteps: 0 });
    expect(Math.max(...stuck.curve)).toBe(0);
    const redirected = await visualize(model, 'channel:features.7:11', { steps: 24, seed: 1, redirectedReluSteps: 16 });
    expect(redirected.curve[0]).toBe(0);
    expect(redirected.curve[23]).toBeGreaterThan(0.1);
  });
});

const fixtures = ['tiny_cnn', 'alexnet', 'vgg', 'resnet_basic', 'resnet_bottleneck', 'densenet', 'squeezenet', 'mobilenet_v2', 'mobilenet_v3', 'googlenet', 'shufflenet', 'vit'];

describe.each(fixtures)('visualizing a class of the %s fixture', (name) => {
  it('raises the logit in expectation', async () => {
    const refs = loadRefs(name);
    const model = await loadModel(modelPath(refs.json.exports.dynamo.file), { preprocess: 'imagenet' });
    try {
      const r = await visualize(model, `class:${refs.json.targets[0]}`, { steps: 40, seed: 2 });
      expect(mean(r.curve.slice(-16))).toBeGreaterThan(mean(r.curve.slice(0, 16)));
      expect(r.recognized?.samples).toBe(10);
    } finally {
      await model.dispose();
    }
  });
});
