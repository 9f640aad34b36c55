/**
 * SmoothGrad and integrated gradients with many copies: built a block at a time (equal to the
 * same call with blocks of a different size), and absurd counts refused up front.
 */
import { describe, expect, it } from 'vitest';
import { ConvlensError } from '../../src/errors.js';
import { MiB } from '../../src/engine/runtime.js';
import { integratedGradients } from '../../src/methods/integrated-gradients.js';
import { smoothGrad } from '../../src/methods/smoothgrad.js';
import { loadModel } from '../../src/node/index.js';
import { runCli, tempDir, testPng, fixtureModel } from '../cli/cli-harness.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectClose, loadRefs, modelPath } from './refs.js';

const refs = loadRefs('resnet_basic');
const file = modelPath(refs.json.exports['legacy-dynbatch'].file);
const x = refs.array('input');

describe('many copies', () => {
  it('blocks of copies under a small budget give the numbers of one big block, several targets per image included', async () => {
    const big = await loadModel(file, { preprocess: 'unit' });
    // 0.5 MiB: blocks of a handful of copies (one copy is 48 KiB of input and gradient).
    const small = await loadModel(file, { preprocess: 'unit', memoryBudget: 0.5 * MiB });
    for (const options of [{ target: [1, 4] as number[], samples: 7, seed: 3 }, { target: 2, samples: 5, seed: 9, squared: true }]) {
      expectClose((await smoothGrad(small, x, options)).raw, (await smoothGrad(big, x, options)).raw, 1e-5, 'SmoothGrad');
    }
    const ig = { target: 3, steps: 21, method: 'trapezoid' as const };
    expectClose((await integratedGradients(small, x, ig)).raw, (await integratedGradients(big, x, ig)).raw, 1e-5, 'integrated gradients');
    await Promise.all([big.dispose(), small.dispose()]);
  });

  it('--steps 1e9 and --samples 1e9 are refused naming the limit', async () => {
    const model = await loadModel(file, { preprocess: 'unit' });
    for (const call of [() => smoothGrad(model, x, { samples: 1e9 }), () => integratedGradients(model, x, { steps: 1e9 })]) {
      const e = await call().then(() => undefined, (err: unknown) => err as ConvlensError);
      expect(e).toBeInstanceOf(ConvlensError);
      expect(e!.code).toBe('BAD_OPTION');
      expect(e!.message).toContain('limit of 1000000');
    }
    await model.dispose();
    const dir = tempDir();
    writeFileSync(join(dir, 'a.png'), testPng(20, 20));
    const r = await runCli(['explain', join(dir, 'a.png'), '--model', fixtureModel('tiny_cnn.legacy'), '--method', 'ig', '--steps', '1e9', '--out', join(dir, 'out')]);
    expect(r.err).toMatch(/limit of 1000000.*\[BAD_OPTION\]/);
  });
});
