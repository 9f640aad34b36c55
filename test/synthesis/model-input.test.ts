/**
 * Synthesized images reach the model as its own preprocessing would deliver them (BGR order,
 * [0, 255] statistics), and grayscale models get one-channel images.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { loadModel } from '../../src/node/index.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { shapeScene } from '../../src/demo/scenes/index.js';
import { channelMap, toModelInput } from '../../src/synthesis/model-input.js';
import { visualize } from '../../src/synthesis/visualize.js';
import { smallCnn } from '../../src/train/architectures.js';

const opened: ConvlensModel[] = [];
afterAll(() => Promise.all(opened.map((m) => m.dispose())));

describe('from synthesized image to model input', () => {
  it.each([
    ['BGR ImageNet', { preset: 'imagenet', channelOrder: 'BGR' }],
    ['Caffe [0, 255] BGR', { mean: [103.9, 116.8, 123.7], std: [1, 1, 1], channelOrder: 'BGR' }],
    ['symmetric', { preset: 'symmetric' }],
  ] as const)('matches model.preprocess for %s', async (_, preprocess) => {
    const model = await loadModel(encodeModel(smallCnn({ inputSize: 24, classes: 3, seed: 1 })), { preprocess: preprocess as never, resize: 'stretch' });
    opened.push(model);
    const picture = shapeScene(9, { shape: 'cross', size: 24 });
    const rgb = new Float32Array(3 * 24 * 24);
    for (let c = 0; c < 3; c++) for (let p = 0; p < 24 * 24; p++) rgb[c * 576 + p] = picture.data[p * 3 + c] / 255;
    const x = toModelInput({ data: rgb, shape: [1, 3, 24, 24] }, [null], channelMap(model), [24, 24]);
    const expected = await model.preprocess([picture]);
    let worst = 0;
    expected.data.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - x.data[i]) / Math.max(1, Math.abs(v))); });
    expect(worst).toBeLessThan(1e-5);
  });

  it('starts from a picture: the pixels parameterization reproduces it before any step moves it', async () => {
    const model = await loadModel('models/shapes.onnx');
    opened.push(model);
    const picture = shapeScene(12, { shape: 'ring', size: 32 });
    const start = { data: Float32Array.from({ length: 3 * 1024 }, (_, i) => picture.data[(i % 1024) * 3 + Math.floor(i / 1024)] / 255), shape: [1, 3, 32, 32] };
    const r = await visualize(model, 'class:ring', { steps: 1, lr: 1e-9, param: 'pixels', start });
    // Values are clamped to [0.001, 0.999] before the logit, so pure black and white move by 1/1000.
    let worst = 0;
    r.image.data.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - start.data[i])); });
    expect(worst).toBeLessThan(1.5e-3);
    await expect(visualize(model, 'class:ring', { steps: 1, param: 'fft', start })).rejects.toMatchObject({ code: 'BAD_OPTION', message: expect.stringMatching(/pixels/) });
  });

  it('visualizes a grayscale model with one-channel images', async () => {
    const model = await loadModel(encodeModel(smallCnn({ inputSize: 20, inputChannels: 1, classes: 2, seed: 3 })), { preprocess: 'unit' });
    opened.push(model);
    const r = await visualize(model, 'channel:features.4:1', { steps: 40, seed: 1 });
    expect(r.image.shape).toEqual([1, 1, 20, 20]);
    expect(r.images[0].width).toBe(20);
    // Grey pictures: R = G = B.
    for (let p = 0; p < 400; p++) expect(r.images[0].data[p * 3]).toBe(r.images[0].data[p * 3 + 2]);
    expect(r.curve[39]).toBeGreaterThan(r.curve[0]);
  });
});
