/** Gradients averaged inside the graph equal the spatial means of the full gradients. */
import { describe, expect, it } from 'vitest';
import { buildGradientGraph } from '../../src/autodiff/gradient-graph.js';
import { spatialMeans } from '../../src/methods/grad-cam.js';
import { backward } from '../../src/methods/passes.js';
import { loadModel } from '../../src/node/index.js';
import { loadRefs, modelPath } from './refs.js';

describe('backward with spatialMeans', () => {
  it.each([['resnet_basic', 'legacy-dynbatch', [1, 4, 6]], ['densenet', 'dynamo', 2]] as const)('%s (%s), target %j', async (name, exporter, target) => {
    const refs = loadRefs(name);
    const model = await loadModel(modelPath(refs.json.exports[exporter].file), { preprocess: 'unit' });
    try {
      const x = refs.array('input');
      const layer = model.resolveLayer(refs.json.layer);
      const full = await backward(model, x, { target: target as number | number[], wrt: [layer], taps: [layer] });
      const pooled = await backward(model, x, { target: target as number | number[], wrt: [layer], taps: [layer], spatialMeans: [layer] });
      const [M, C] = full.gradients[layer].shape;
      expect(pooled.gradients[layer].shape).toEqual([M, C, 1, 1]);
      const expected = spatialMeans(full.gradients[layer]);
      const scale = Math.max(...Array.from(expected, Math.abs));
      pooled.gradients[layer].data.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThanOrEqual(1e-6 * scale));
      expect(Array.from(pooled.taps[layer].data)).toEqual(Array.from(full.taps[layer].data));
    } finally {
      await model.dispose();
    }
  });

  it('a layer read only by a global pooling gets its gradient\'s mean without averaging (the pooling\'s gradient is constant over space)', async () => {
    for (const [name, exporter, averaged] of [['resnet_basic', 'legacy-dynbatch', false], ['densenet', 'dynamo', true]] as const) {
      const refs = loadRefs(name);
      const model = await loadModel(modelPath(refs.json.exports[exporter].file), { preprocess: 'unit' });
      try {
        const layer = model.resolveLayer(refs.json.layer);
        const info = model.engine.shapeInfo([model.engine.fixedBatch ?? 2, ...model.itemShape]);
        const g = buildGradientGraph(model.onnxModel, info, { wrt: [layer], seeds: [{ output: model.outputName, seed: 'seed' }], spatialMeans: [layer] });
        const ops = g.model.graph.nodes.filter((n) => n.name.startsWith('convlens.grad')).map((n) => n.opType);
        expect(ops.includes('ReduceMean'), `${name}: ${ops.join(' ')}`).toBe(averaged);
        expect(ops.some((op) => op === 'Expand' || op === 'Resize')).toBe(averaged);
      } finally {
        await model.dispose();
      }
    }
  });
});
