/**
 * Explaining each image's top class picks the class inside the gradient graph (ArgMax and
 * OneHot on its own forward values) instead of running a forward pass first. The results
 * must equal an explicit run with the classes a separate forward pass finds, ties included
 * (the first highest class), and the call must compile one session, not two.
 */
import { describe, expect, it } from 'vitest';
import { backward, forward } from '../../src/methods/passes.js';
import { loadModel, saliency } from '../../src/node/index.js';
import { encodeModel } from '../../src/onnx/codec.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { loadRefs, modelPath } from './refs.js';

/** Each item's first highest score, as a separate forward pass gives it. */
async function topClasses(model: Awaited<ReturnType<typeof loadModel>>, x: FloatTensor): Promise<number[]> {
  const scores = (await forward(model, x, [model.outputName]))[model.outputName];
  const n = scores.data.length / x.shape[0];
  return Array.from({ length: x.shape[0] }, (_, i) => {
    const row = scores.data.subarray(i * n, (i + 1) * n);
    return row.indexOf(Math.max(...row));
  });
}

function expectClose(a: FloatTensor, b: FloatTensor): void {
  expect(a.shape).toEqual(b.shape);
  const scale = b.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  expect(scale).toBeGreaterThan(0);
  a.data.forEach((v, i) => expect(Math.abs(v - b.data[i])).toBeLessThanOrEqual(1e-6 * scale));
}

describe.each(['resnet_basic', 'mobilenet_v3', 'densenet'])('%s', (name) => {
  it('the top class found in the gradient graph gives the gradients of an explicit run with the classes a forward pass finds', async () => {
    const refs = loadRefs(name);
    const model = await loadModel(modelPath(refs.json.exports.legacy.file), { preprocess: 'unit', threads: 1 });
    try {
      const x = refs.array('input');
      const layer = model.resolveLayer(refs.json.layer);
      const found = await backward(model, x, { wrt: [model.inputName, layer], taps: [layer] });
      expect(model.engine.sessionCount).toBe(1);
      const top = await topClasses(model, x);
      expect(found.targets.target).toEqual(top);
      expect(found.targets.image).toEqual(top.map((_, i) => i));
      const given = await backward(model, x, { target: { perImage: top }, wrt: [model.inputName, layer], taps: [layer] });
      for (const key of [model.inputName, layer]) expectClose(found.gradients[key], given.gradients[key]);
      expect(Array.from(found.targets.seeds.data)).toEqual(Array.from(given.targets.seeds.data));
      expect(Array.from(found.scores.data)).toEqual(Array.from(given.scores.data));
    } finally {
      await model.dispose();
    }
  });
});

/** x [N, 3, 4, 4] -> GlobalAveragePool, flattened to [N, 3] or kept as [N, 3, 1, 1]. */
function poolModel(flatten: boolean): Uint8Array {
  const nodes = [{ name: 'pool', opType: 'GlobalAveragePool', domain: '', inputs: ['x'], outputs: [flatten ? 'p' : 'y'], attributes: {}, metadata: {} }];
  if (flatten) nodes.push({ name: 'flat', opType: 'Flatten', domain: '', inputs: ['p'], outputs: ['y'], attributes: {}, metadata: {} });
  return encodeModel({
    irVersion: 8, opsets: [{ domain: '', version: 17 }], producerName: 'test', producerVersion: '', metadata: {}, functions: [],
    graph: {
      name: 'pool', nodes, initializers: new Map(), valueInfo: [],
      inputs: [{ name: 'x', elemType: 1, shape: ['N', 3, 4, 4] }],
      outputs: [{ name: 'y', elemType: 1, shape: flatten ? ['N', 3] : ['N', 3, 1, 1] }],
    },
  });
}

describe.each([true, false])('ties, output flattened: %s', (flatten) => {
  it('the first of two equal highest classes is explained, its gradient 1/16 on its own channel', async () => {
    const model = await loadModel(poolModel(flatten), { preprocess: 'unit', threads: 1 });
    try {
      // Image 0: channels 1 and 2 tie above channel 0; image 1: channel 2 alone is highest.
      const means = [[0.1, 0.5, 0.5], [0.2, 0.1, 0.7]];
      const x = { data: Float32Array.from({ length: 2 * 3 * 16 }, (_, i) => means[Math.floor(i / 48)][Math.floor(i / 16) % 3]), shape: [2, 3, 4, 4] };
      expect((await saliency(model, x)).target).toEqual([1, 2]);
      const expected = Float32Array.from({ length: 2 * 3 * 16 }, (_, i) => (Math.floor(i / 16) % 3 === [1, 2][Math.floor(i / 48)] ? 1 / 16 : 0));
      const g = (await backward(model, x, { wrt: ['x'] })).gradients.x;
      expect(Array.from(g.data)).toEqual(Array.from(expected));
    } finally {
      await model.dispose();
    }
  });
});
