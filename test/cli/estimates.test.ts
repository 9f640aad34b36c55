/** The notice before a slow method: its forward passes and their time at a given speed (no clock involved). */
import { describe, expect, it } from 'vitest';
import { slowMethodNotice } from '../../src/cli/estimates.js';
import { forwardPassesPerImage } from '../../src/methods/method-cost.js';
import { findMethod } from '../../src/methods/registry.js';
import { loadModel } from '../../src/node/index.js';
import { fixtureModel } from './cli-harness.js';

describe('slowMethodNotice', () => {
  it('names the passes and the time they take at the measured speed, and stays quiet for quick methods', async () => {
    const model = await loadModel(fixtureModel('resnet_basic.legacy'), { preprocess: 'unit' });
    const scorecam = findMethod('scorecam');
    const passes = forwardPassesPerImage(scorecam, model, {});
    // 2 images at 1 s per forward pass of one image.
    const line = slowMethodNotice(scorecam, model, {}, 2, 1000, 'resnet');
    expect(line).toContain(`scorecam on resnet: about ${passes} forward passes per image`);
    const seconds = passes * 2;
    expect(line).toContain(`up to ${seconds < 60 ? `${seconds.toFixed(1)}s` : `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(2, '0')}s`} for 2 images`);
    expect(slowMethodNotice(scorecam, model, {}, 2, 0.01)).toBeUndefined();
    expect(slowMethodNotice(findMethod('gradcam'), model, {}, 1, 1000)).toBeUndefined();
    await model.dispose();
  });
});
