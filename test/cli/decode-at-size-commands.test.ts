/** compare and report decode pictures at the size their models need, as explain does. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { DecodeOptions } from '../../src/node/codecs.js';
import { fixtureModel, runCli, tempDir, testPng } from './cli-harness.js';

const decoded = vi.hoisted(() => [] as { path: string; options?: DecodeOptions }[]);
vi.mock('../../src/node/codecs.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/node/codecs.js')>();
  return {
    ...real,
    decodeImageFile: (path: string, options?: DecodeOptions) => {
      decoded.push({ path, options });
      return real.decodeImageFile(path, options);
    },
  };
});

// Inputs of 64 x 64 and of 32 x 32.
const model = fixtureModel('resnet_basic.legacy-dynbatch');
const shapes = new URL('../../models/shapes.onnx', import.meta.url).pathname;

function picture(): string {
  const file = join(tempDir(), 'a.png');
  writeFileSync(file, testPng(90, 70));
  return file;
}

describe('decoding at the model size', () => {
  it('compare asks the decoder for the model input size, with one model and with several', async () => {
    const file = picture();
    decoded.length = 0;
    const one = await runCli(['compare', file, '--model', shapes, '--out', join(tempDir(), 'one.png')]);
    expect(one.code, one.err).toBe(0);
    expect(decoded.filter((d) => d.path === file).map((d) => d.options?.atLeast)).toEqual([[32, 32]]);
    decoded.length = 0;
    const two = await runCli(['compare', file, '--model', shapes, '--model', model, '--out', join(tempDir(), 'two.png')]);
    expect(two.code, two.err).toBe(0);
    // One decode serves every model: at the largest size among them.
    expect(decoded.filter((d) => d.path === file).map((d) => d.options?.atLeast)).toEqual([[64, 64]]);
  });

  it('report asks the decoder for each model input size', async () => {
    const file = picture();
    decoded.length = 0;
    const r = await runCli(['report', file, '--model', model, '--model', shapes, '--method', 'gradcam', '--evaluate', 'none',
      '--synthesis-steps', '0', '--out', join(tempDir(), 'r.html')]);
    expect(r.code, r.err).toBe(0);
    expect(decoded.filter((d) => d.path === file).map((d) => d.options?.atLeast)).toEqual([[64, 64], [32, 32]]);
  });
});
