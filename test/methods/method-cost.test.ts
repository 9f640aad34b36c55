/** Forward-pass counts known before a run agree with the work the methods then report. */
import { describe, expect, it } from 'vitest';
import { forwardPassesPerImage } from '../../src/methods/method-cost.js';
import { findMethod } from '../../src/methods/registry.js';
import { loadModel } from '../../src/node/index.js';
import { fixtureModel } from '../cli/cli-harness.js';

describe('forwardPassesPerImage', () => {
  it('counts the masked and occluded forward passes Score-CAM and occlusion report as their work', async () => {
    const model = await loadModel(fixtureModel('resnet_basic.legacy-dynbatch'), { preprocess: 'unit' });
    const [C, H, W] = model.itemShape;
    const x = { data: new Float32Array(2 * C * H * W).map((_, i) => Math.sin(i)), shape: [2, C, H, W] };
    for (const [name, options] of [['scorecam', { layer: 'layer3' }], ['occlusion', { patch: 16, stride: 8 }]] as const) {
      let total = 0;
      await findMethod(name).run(model, x, { ...options, target: 1, onProgress: (_, t) => { total = t; } });
      // One forward pass of the original images, plus the reported masked or occluded ones.
      expect(forwardPassesPerImage(findMethod(name), model, options), name).toBe(1 + total / 2);
    }
    expect(forwardPassesPerImage(findMethod('smoothgrad'), model, { samples: 10 })).toBe(1 + 3 * 10);
    await model.dispose();
  });
});
