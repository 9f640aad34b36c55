/**
 * The training graph's loss and weight gradients against the loss of plain forward passes:
 * the loss must match, and each gradient entry must match finite differences.
 */
import { describe, expect, it } from 'vitest';
import { nodeRuntime } from '../../src/node/runtime.js';
import { tensorToFloat32 } from '../../src/onnx/tensor.js';
import type { Model } from '../../src/onnx/types.js';
import { smallCnn } from '../../src/train/architectures.js';
import { targetRows } from '../../src/train/data.js';
import { evaluate } from '../../src/train/evaluate.js';
import type { LossKind } from '../../src/train/losses.js';
import { compileTrainingGraph, trainableParameters } from '../../src/train/training-graph.js';
import { TrainingSession } from '../../src/train/training-session.js';
import { withParameters } from '../../src/train/trainer.js';
import { orientedBars } from './synthetic.js';

const BATCH = 6;
const H = 1e-3;

/**
 * One-sided differences of the plain-forward loss in one weight entry. ReLU and MaxPool make
 * the loss piecewise smooth, and first-layer biases move every pixel of a channel, so a kink
 * can lie within H of the current weights; it lies on one side only, and the difference
 * on the other side is the derivative of the piece the weights are on.
 */
async function oneSidedDifferences(model: Model, data: Parameters<typeof evaluate>[1], loss: LossKind, name: string, index: number): Promise<[number, number]> {
  const values = Float32Array.from(tensorToFloat32(model.graph.initializers.get(name)!));
  const at = async (delta: number) => {
    const perturbed = Float32Array.from(values);
    perturbed[index] += delta;
    return (await evaluate(withParameters(model, [name], [perturbed]), data, nodeRuntime, { loss })).loss;
  };
  const here = await at(0);
  return [(await at(H) - here) / H, (here - await at(-H)) / H];
}

describe.each([
  ['cross-entropy', smallCnn({ inputSize: 8, channels: [4, 6], classes: 3, seed: 3 })],
  ['mse', smallCnn({ inputSize: 8, channels: [4, 6], outputs: 2, seed: 4 })],
] as const)('training graph (%s)', (loss, model) => {
  const images = orientedBars(BATCH, 8, 11);
  const y = loss === 'cross-entropy'
    ? Float32Array.of(0, 2, 1, 1, 0, 2)
    : Float32Array.from({ length: BATCH * 2 }, (_, i) => Math.sin(i) * 2);
  const data = { x: images.x, y };

  it('returns the plain forward loss and gradients that match finite differences', async () => {
    const session = await TrainingSession.create(model, { loss, batchSize: BATCH }, nodeRuntime);
    try {
      const names = session.graph.params.map((p) => p.name);
      expect(names).toEqual(trainableParameters(model));
      const params = names.map((n) => Float32Array.from(tensorToFloat32(model.graph.initializers.get(n)!)));
      const step = await session.run(images.x.data, targetRows(data, loss, session.graph.outputShape[1]), params);
      const plain = await evaluate(model, data, nodeRuntime, { loss });
      expect(step.loss).toBeCloseTo(plain.loss, 5);
      expect(Array.from(step.outputs)).toEqual(Array.from(plain.outputs.data).map((v) => expect.closeTo(v, 5)));

      let checked = 0;
      for (const [p, name] of names.entries()) {
        const grad = step.gradients[p];
        expect(grad.length).toBe(params[p].length);
        // The largest entries plus a fixed one: large ones are where a wrong rule shows most.
        const order = Array.from(grad.keys()).sort((a, b) => Math.abs(grad[b]) - Math.abs(grad[a]));
        for (const index of new Set([order[0], order[1], grad.length - 1])) {
          const sides = await oneSidedDifferences(model, data, loss, name, index);
          const error = Math.min(...sides.map((fd) => Math.abs(fd - grad[index])));
          expect(error, `${name}[${index}]: finite differences ${sides.join(', ')}, graph ${grad[index]}`)
            .toBeLessThanOrEqual(1e-3 + 2e-2 * Math.abs(grad[index]));
          checked++;
        }
      }
      expect(checked).toBeGreaterThanOrEqual(12);
      expect(step.gradients.some((g) => g.some((v) => Math.abs(v) > 1e-3))).toBe(true);
    } finally {
      await session.release();
    }
  });
});

describe('compileTrainingGraph', () => {
  const model = smallCnn({ inputSize: 8, channels: [4], classes: 2 });

  it('feeds only the chosen weights and keeps the others constant', () => {
    const g = compileTrainingGraph(model, { loss: 'cross-entropy', batchSize: 2, trainable: ['fc.weight'] });
    expect(g.params).toEqual([{ name: 'fc.weight', dims: [2, 4] }]);
    expect(g.model.graph.initializers.has('fc.weight')).toBe(false);
    expect(g.model.graph.initializers.has('features.0.weight')).toBe(true);
    expect(g.model.graph.inputs.map((v) => v.name)).toEqual(['input', 'convlens.train/target', 'fc.weight']);
  });

  it('rejects a trainable name that is not a float initializer', () => {
    expect(() => compileTrainingGraph(model, { loss: 'mse', batchSize: 2, trainable: ['fc.weights'] }))
      .toThrow(/"fc.weights" is not a float initializer.*fc\.weight/);
  });
});
