/** The tank study stops when its signal fires: it rejects with ABORTED and runs no further step. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModelPath } from '../../src/cli/demo-command.js';
import { tankStudy } from '../../src/demo/studies/tank-study.js';
import { loadModel, type ConvlensModel } from '../../src/node/index.js';

describe('tankStudy with an AbortSignal', () => {
  let shortcut: ConvlensModel;
  let fixed: ConvlensModel;
  beforeAll(async () => {
    shortcut = await loadModel(demoModelPath('tank-shortcut.onnx'), { threads: 1 });
    fixed = await loadModel(demoModelPath('tank-fixed.onnx'), { threads: 1 });
  });
  afterAll(async () => {
    await shortcut?.dispose();
    await fixed?.dispose();
  });

  it('aborted after its second step, it rejects with ABORTED before the third', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const run = tankStudy({ shortcut, fixed }, {
      testCount: 20, signal: controller.signal,
      onProgress: (done) => { seen.push(done); if (done === 2) controller.abort(); },
    });
    await expect(run).rejects.toMatchObject({ code: 'ABORTED' });
    expect(seen).toEqual([1, 2]);
  });

  it('the same call without a signal runs every step', async () => {
    const seen: number[] = [];
    const study = await tankStudy({ shortcut, fixed }, { testCount: 20, onProgress: (done) => seen.push(done) });
    expect(seen).toEqual(Array.from({ length: seen.length }, (_, k) => k + 1));
    expect(seen.length).toBe(14);
    expect(study.accuracy.fixed.balanced).toBeGreaterThan(0.5);
  });
});
