/**
 * Reruns are byte-identical (image and GIF) and seeds matter; bad objectives and options fail
 * with clear errors; an aborted run stops and the command line writes nothing.
 */
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { loadModel } from '../../src/node/index.js';
import { progressGif } from '../../src/render/synthesis/progress-gif.js';
import { deepDream } from '../../src/synthesis/deep-dream.js';
import { visualize } from '../../src/synthesis/visualize.js';
import { listFiles, runCli, tempDir } from '../cli/cli-harness.js';
import { flooredShapesModel } from './shapes-variants.js';

let model: ConvlensModel;
const open = async () => (model ??= await loadModel('models/shapes.onnx'));
afterAll(() => model?.dispose());

const bytes = (a: Float32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

describe('synthesis runs', () => {
  it('repeat byte for byte with the same seed, and differ with another', async () => {
    const m = await open();
    const options = { steps: 24, batch: 2, frames: 6, seed: 5, reg: 'l2:1,tv:0.5,blur:0.5:8' };
    const a = await visualize(m, 'channel:features.4:3+10*diversity:features.4', options);
    const b = await visualize(m, 'channel:features.4:3+10*diversity:features.4', options);
    expect(bytes(a.image.data).equals(bytes(b.image.data))).toBe(true);
    expect(Buffer.from(progressGif(a.frames)).equals(Buffer.from(progressGif(b.frames)))).toBe(true);
    expect(a.frames.map((f) => f.step)).toEqual([0, 4, 8, 12, 16, 20, 24]);
    const c = await visualize(m, 'channel:features.4:3+10*diversity:features.4', { ...options, seed: 6 });
    expect(bytes(a.image.data).equals(bytes(c.image.data))).toBe(false);
    // The two images of a diversity batch differ from each other.
    const half = a.image.data.length / 2;
    expect(bytes(a.image.data.subarray(0, half)).equals(bytes(a.image.data.subarray(half)))).toBe(false);
  });
});

describe('bad input', () => {
  it('names the layer or the valid range', async () => {
    const m = await open();
    await expect(visualize(m, 'channel:nope:1', { steps: 1 })).rejects.toMatchObject({ code: 'UNKNOWN_LAYER' });
    await expect(visualize(m, 'channel:features.7:96', { steps: 1 })).rejects.toMatchObject({ code: 'BAD_TARGET', message: expect.stringMatching(/0 to 95/) });
    await expect(visualize(m, 'neuron:features.7:3:8:0', { steps: 1 })).rejects.toMatchObject({ code: 'BAD_TARGET', message: expect.stringMatching(/Row 8 .* 0 to 7/) });
    await expect(visualize(m, 'class:10', { steps: 1 })).rejects.toMatchObject({ code: 'BAD_TARGET', message: expect.stringMatching(/0 to 9/) });
    await expect(visualize(m, 'class:hexagons', { steps: 1 })).rejects.toMatchObject({ code: 'BAD_TARGET', message: expect.stringMatching(/"hexagon"/) });
    await expect(visualize(m, 'direction:features.7:1,2', { steps: 1 })).rejects.toMatchObject({ code: 'BAD_TARGET', message: expect.stringMatching(/96 values/) });
    await expect(visualize(m, 'wiggle:features.7', { steps: 1 })).rejects.toMatchObject({ code: 'BAD_TARGET' });
  });

  it('rejects steps <= 0 and other bad options', async () => {
    const m = await open();
    await expect(visualize(m, 'class:1', { steps: 0 })).rejects.toMatchObject({ code: 'BAD_OPTION', message: expect.stringMatching(/steps/) });
    await expect(visualize(m, 'class:1', { steps: -3 })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await expect(visualize(m, 'class:1', { param: 'wavelet' as 'fft' })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await expect(visualize(m, 'class:1', { reg: 'l3:1' })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await expect(visualize(m, 'class:1', { size: [48, 48] })).rejects.toMatchObject({ code: 'BAD_OPTION', message: expect.stringMatching(/32x32/) });
    await expect(deepDream(m, { width: 8, height: 8, data: new Uint8ClampedArray(192) }, { layer: 'features.4', steps: 0 })).rejects.toMatchObject({ code: 'BAD_OPTION' });
  });

  it('says when the path to the objective has no gradient', async () => {
    const floored = await flooredShapesModel();
    try {
      await expect(visualize(floored, 'channel:features.4:1', { steps: 1 })).rejects.toMatchObject({ code: 'NOT_DIFFERENTIABLE', message: expect.stringMatching(/Floor/) });
    } finally {
      await floored.dispose();
    }
  });
});

describe('aborting', () => {
  it('stops between steps with ABORTED', async () => {
    const m = await open();
    const controller = new AbortController();
    let last = 0;
    const run = visualize(m, 'class:1', { steps: 200, signal: controller.signal, onProgress: (done) => { last = done; if (done === 5) controller.abort(); } });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    expect(last).toBe(5);
  });
});

describe('convlens visualize and dream on the command line', () => {
  it('write the image, curve and GIF, and report the recognized share', async () => {
    const dir = tempDir();
    const r = await runCli(['visualize', '--model', 'models/shapes.onnx', '--objective', 'class:ring+30*prob:ring', '--steps', '64', '--gif', join(dir, 'ring.gif'), '--out', join(dir, 'ring.png')]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/recognized as class 5: \d+ % of 10 transformations/);
    expect(listFiles(dir)).toEqual(['ring.curve.png', 'ring.gif', 'ring.png']);
  });

  it('leave no files on bad input', async () => {
    const dir = tempDir();
    const r = await runCli(['visualize', '--model', 'models/shapes.onnx', '--objective', 'channel:features.7:99', '--steps', '4', '--gif', join(dir, 'a.gif'), '--out', join(dir, 'a.png')]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/0 to 95.*BAD_TARGET/);
    const d = await runCli(['dream', join(dir, 'missing.png'), '--model', 'models/shapes.onnx', '--layer', 'features.4', '--out', join(dir, 'd.png')]);
    expect(d.code).toBe(1);
    expect(listFiles(dir)).toEqual([]);
  });
});
