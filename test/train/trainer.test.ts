/**
 * Training runs on a tiny separable problem (is the bar horizontal or vertical): the loss
 * falls, the classifier becomes accurate, and the same seed gives the same weights.
 */
import { describe, expect, it } from 'vitest';
import { nodeRuntime } from '../../src/node/runtime.js';
import { encodeModel } from '../../src/onnx/codec.js';
import type { Model } from '../../src/onnx/types.js';
import { smallCnn } from '../../src/train/architectures.js';
import { evaluate } from '../../src/train/evaluate.js';
import { train, type TrainOptions, type TrainProgress } from '../../src/train/trainer.js';
import { orientedBars } from './synthetic.js';

const data = orientedBars(200, 16, 5);
const classifier = () => smallCnn({ inputSize: 16, channels: [8, 16], classes: 2, seed: 2 });
const options: TrainOptions = {
  loss: 'cross-entropy',
  optimizer: { kind: 'adam', lr: 0.01 },
  epochs: 4,
  // 200 = 6 x 32 + 8: the last batch of each epoch runs through a second session.
  batchSize: 32,
  seed: 9,
  runtime: nodeRuntime,
};

function weightBytes(model: Model): Uint8Array[] {
  return [...model.graph.initializers.values()].map((t) => t.raw);
}

describe('train', () => {
  it('learns the bar orientation: loss falls, accuracy reaches 95%, same seed gives the same bytes', async () => {
    const model = classifier();
    const before = encodeModel(model);
    const progress: TrainProgress[] = [];
    const first = await train(model, { x: data.x, y: data.labels }, { ...options, onProgress: (p) => progress.push(p) });
    const second = await train(classifier(), { x: data.x, y: data.labels }, options);

    expect(progress).toHaveLength(4 * 7);
    expect(progress.slice(0, 7).map((p) => p.step)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    const losses = first.history.map((h) => h.loss);
    expect(losses[3]).toBeLessThan(losses[0] * 0.5);
    const evaluation = await evaluate(first.model, { x: data.x, y: data.labels }, nodeRuntime);
    expect(evaluation.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(evaluation.loss).toBeLessThan(losses[0]);

    expect(weightBytes(second.model)).toEqual(weightBytes(first.model));
    expect(encodeModel(model)).toEqual(before);
    expect(first.model.graph.inputs).toEqual(model.graph.inputs);
    expect(weightBytes(first.model)).not.toEqual(weightBytes(model));
  });

  it('another shuffling seed gives other weights', async () => {
    const a = await train(classifier(), { x: data.x, y: data.labels }, { ...options, epochs: 1 });
    const b = await train(classifier(), { x: data.x, y: data.labels }, { ...options, epochs: 1, seed: 10 });
    expect(weightBytes(a.model)).not.toEqual(weightBytes(b.model));
  });

  it('fits a regression with MSE and SGD with momentum', async () => {
    const model = smallCnn({ inputSize: 16, channels: [8, 16], outputs: 1, seed: 2 });
    const regression = { x: data.x, y: data.brightness };
    const initial = await evaluate(model, regression, nodeRuntime, { loss: 'mse' });
    const { model: trained, history } = await train(model, regression, {
      ...options, loss: 'mse', optimizer: { kind: 'sgd', lr: 0.05, momentum: 0.9 }, epochs: 4,
    });
    const final = await evaluate(trained, regression, nodeRuntime, { loss: 'mse' });
    expect(history.every((h) => !('accuracy' in h))).toBe(true);
    expect(final.accuracy).toBeUndefined();
    expect(final.loss).toBeLessThan(initial.loss * 0.2);
  });

  it('stops with ABORTED when its signal is aborted', async () => {
    const controller = new AbortController();
    const run = train(classifier(), { x: data.x, y: data.labels }, {
      ...options, signal: controller.signal, onProgress: (p) => { if (p.step === 1) controller.abort(); },
    });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('rejects inputs of another size than the model\'s', async () => {
    const small = { data: data.x.data.subarray(0, 200 * 3 * 8 * 8), shape: [200, 3, 8, 8] };
    await expect(train(classifier(), { x: small, y: data.labels }, options)).rejects.toThrow(/takes \[N, 3, 16, 16\] inputs; the training inputs are \[200, 3, 8, 8\]/);
  });

  it('rejects labels outside the model\'s classes', async () => {
    const labels = Float32Array.from(data.labels, (l) => l * 2);
    await expect(train(classifier(), { x: data.x, y: labels }, options)).rejects.toThrow(/label 2 of item 1 is not an integer in \[0, 2\)/);
  });
});
