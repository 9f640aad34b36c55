import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../src/node/index.js';
import { fixtureModel, runCli, tempDir } from './cli-harness.js';

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('convlens annotate', () => {
  it('stores preprocessing, input size and labels that loadModel then applies', async () => {
    const dir = tempDir();
    const source = fixtureModel('resnet_basic.legacy-dynbatch');
    const before = sha(source);
    const labels = join(dir, 'labels.txt');
    writeFileSync(labels, Array.from({ length: 10 }, (_, i) => `shape ${i}`).join('\n'));
    const out = join(dir, 'annotated.onnx');
    const r = await runCli(['annotate', '--model', source, '--preprocess', 'symmetric', '--resize', 'stretch', '--labels', labels, '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(sha(source)).toBe(before);
    const model = await loadModel(out);
    expect(model.labels).toEqual(Array.from({ length: 10 }, (_, i) => `shape ${i}`));
    expect(model.preprocessSpec).toMatchObject({ preset: 'symmetric', resize: 'stretch', size: [64, 64] });
    // An explicit option still wins over the annotation.
    expect((await loadModel(out, { preprocess: 'unit' })).preprocessSpec.preset).toBe('unit');
  });

  it('refuses to run with nothing to annotate', async () => {
    const r = await runCli(['annotate', '--model', fixtureModel('tiny_cnn.legacy')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/Nothing to annotate/);
  });
});
