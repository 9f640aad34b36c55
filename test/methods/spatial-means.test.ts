/** Gradients averaged inside the graph equal the spatial means of the full gradients. */
import { describe, expect, it } from 'vitest';
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
});
