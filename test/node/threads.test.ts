/** Thread counts: every core by default, `threads` and `--threads` to choose, same numbers either way. */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { ConvlensError } from '../../src/errors.js';
import { saliency } from '../../src/methods/saliency.js';
import { gradCam } from '../../src/methods/grad-cam.js';
import { loadModel } from '../../src/node/index.js';
import { listFiles, runCli, tempDir } from '../cli/cli-harness.js';
import { expectClose, loadRefs, modelPath } from '../methods/refs.js';

const opened: ConvlensModel[] = [];
afterAll(async () => { await Promise.all(opened.map((m) => m.dispose())); });
const open = async (threads?: number) => {
  const m = await loadModel(modelPath('models/resnet_basic.legacy.onnx'), { threads });
  opened.push(m);
  return m;
};

describe('threads', () => {
  it('uses every core unless told otherwise', async () => {
    expect((await open()).engine.runtime.sessionOptions.intraOpNumThreads).toBe(availableParallelism());
    expect((await open(3)).engine.runtime.sessionOptions.intraOpNumThreads).toBe(3);
  });

  it('gives PyTorch\'s input gradients and Grad-CAM on one thread and on two', async () => {
    const refs = loadRefs('resnet_basic');
    const x = refs.array('input');
    const target = { perImage: refs.json.targets };
    for (const threads of [1, 2]) {
      const m = await open(threads);
      expectClose((await saliency(m, x, { target })).raw, refs.array('grad_input'), 2e-4, `saliency on ${threads} threads`);
      expectClose((await gradCam(m, x, { layer: refs.json.layer, target })).raw, refs.array('gradcam'), 2e-4, `Grad-CAM on ${threads} threads`);
    }
  });

  it('refuses counts that are not whole and positive', async () => {
    for (const threads of [0, -2, 1.5, Number.NaN]) {
      const e = await open(threads).then(() => undefined, (err: unknown) => err);
      expect(e).toBeInstanceOf(ConvlensError);
      expect((e as ConvlensError).code).toBe('BAD_OPTION');
      expect((e as ConvlensError).message).toMatch(/threads must be a whole number of at least 1/);
    }
  });

  it('--threads on the command line: used, and refused when not a count, writing nothing', async () => {
    const model = modelPath('models/resnet_basic.legacy.onnx');
    const ok = await runCli(['layers', '--model', model, '--threads', '1', '--json']);
    expect(ok.code).toBe(0);
    const out = join(tempDir(), 'out');
    const bad = await runCli(['filters', '--model', model, '--layer', 'conv1', '--threads', 'two', '--out', join(out, 'f.png')]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('[BAD_OPTION]');
    expect(bad.err).toMatch(/--threads takes a whole number of at least 1; got "two"/);
    expect(listFiles(out)).toEqual([]);
  });
});
