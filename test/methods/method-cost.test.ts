/** Forward-pass counts known before a run agree with the work the methods then report. */
import { describe, expect, it } from 'vitest';
import { forwardPassesPerImage, runsByDefault } from '../../src/methods/method-cost.js';
import { findMethod, methodRegistry } from '../../src/methods/registry.js';
import { loadModel } from '../../src/node/index.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { smallCnn } from '../../src/train/architectures.js';
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

describe('runsByDefault', () => {
  it('keeps every method on a small model and leaves the per-channel and per-patch methods out on a large one', async () => {
    const small = await loadModel(fixtureModel('resnet_basic.legacy'), { preprocess: 'unit' });
    expect(methodRegistry.filter((m) => !runsByDefault(m, small, {})).map((m) => m.name)).toEqual([]);
    await small.dispose();
    // 224 x 224 with a 2048-channel stage at 112 x 112: that one ReLU output is 2048 * 112 * 112 * 4 bytes,
    // so Score-CAM's 2049 passes move over 200 GB and occlusion's 785 over 75 GB, past the 32 GiB
    // allowance; every other method stays within it (SmoothGrad, the largest, runs 76 passes of a few hundred MB).
    const large = await loadModel(encodeModel(smallCnn({ inputSize: 224, channels: [64, 2048], classes: 10, finalPool: false })), { preprocess: 'unit' });
    expect(forwardPassesPerImage(findMethod('scorecam'), large, {})).toBe(2049);
    expect(methodRegistry.filter((m) => !runsByDefault(m, large, {})).map((m) => m.name)).toEqual(['scorecam', 'occlusion']);
    // Options that make a method cheap bring it back.
    expect(runsByDefault(findMethod('occlusion'), large, { patch: 56 })).toBe(true);
    await large.dispose();
  });
});
