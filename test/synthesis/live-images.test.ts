/**
 * visualize's live images: the image streamed at step k is the result of a k-step run with
 * the same seed (the schedule does not depend on the total step count), the last one
 * streamed is the result itself, and a run stopped from the callback keeps what it showed.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { loadModel } from '../../src/node/index.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { visualize } from '../../src/synthesis/visualize.js';

let model: ConvlensModel;
const open = async () => (model ??= await loadModel('models/shapes.onnx', { threads: 1 }));
afterAll(() => model?.dispose());

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
const objective = 'class:star';
const options = { seed: 3, reg: 'l2:1e-3,blur:0.5:4' };

describe('visualize onImage', () => {
  it('streams every N steps; step k equals a k-step run and the last equals the result', async () => {
    const m = await open();
    const streamed: { step: number; image: FloatTensor }[] = [];
    const r = await visualize(m, objective, { ...options, steps: 20, imageEvery: 6, onImage: (image, step) => streamed.push({ step, image }) });
    expect(streamed.map((s) => s.step)).toEqual([6, 12, 18, 20]);
    expect(bytes(streamed[3].image.data).equals(bytes(r.image.data))).toBe(true);
    const twelve = await visualize(m, objective, { ...options, steps: 12 });
    expect(bytes(streamed[1].image.data).equals(bytes(twelve.image.data))).toBe(true);
    // Streaming changes nothing about the run.
    const quiet = await visualize(m, objective, { ...options, steps: 20 });
    expect(bytes(quiet.image.data).equals(bytes(r.image.data))).toBe(true);
  });

  it('a run stopped from the callback rejects with ABORTED after showing the image of its last step', async () => {
    const m = await open();
    const controller = new AbortController();
    const streamed: { step: number; image: FloatTensor }[] = [];
    const run = visualize(m, objective, {
      ...options, steps: 1000, imageEvery: 4, signal: controller.signal,
      onImage: (image, step) => { streamed.push({ step, image }); if (step === 8) controller.abort(); },
    });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    expect(streamed.map((s) => s.step)).toEqual([4, 8]);
    const eight = await visualize(m, objective, { ...options, steps: 8 });
    expect(bytes(streamed[1].image.data).equals(bytes(eight.image.data))).toBe(true);
  });

  it('rejects a bad imageEvery', async () => {
    const m = await open();
    await expect(visualize(m, objective, { steps: 2, imageEvery: 0, onImage: () => {} })).rejects.toMatchObject({ code: 'BAD_OPTION', message: expect.stringMatching(/imageEvery/) });
  });
});
