import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImageFile } from '../../src/node/codecs.js';
import { loadImage, loadModel } from '../../src/node/index.js';
import { compare } from '../../src/methods/comparison.js';
import { comparisonFigure } from '../../src/render/compare.js';
import { fixtureModel, listFiles, runCli, tempDir, testPng } from './cli-harness.js';

describe('convlens compare', () => {
  it('writes the same figure the library draws, for layers and for models', async () => {
    const dir = tempDir();
    const image = join(dir, 'scene.png');
    writeFileSync(image, testPng(64, 64));
    const model = fixtureModel('resnet_basic.legacy-dynbatch');
    const out = join(dir, 'layers.png');
    const r = await runCli(['compare', image, '--model', model, '--layers', 'layer3,layer4', '--target', '2', '--preprocess', 'unit', '--out', out]);
    expect(r.code, r.err).toBe(0);
    const m = await loadModel(model, { preprocess: 'unit' });
    const lib = comparisonFigure(await compare([{ name: 'scene', image: await loadImage(image) }], 'gradcam', { by: 'layer', model: m, layers: ['layer3', 'layer4'] }, { target: 2 }), { subject: 'resnet_basic.legacy-dynbatch' });
    const written = await decodeImageFile(out);
    expect([written.width, written.height]).toEqual([lib.figure.width, lib.figure.height]);
    expect(Buffer.from(written.data).equals(Buffer.from(lib.figure.data))).toBe(true);

    const r2 = await runCli(['compare', image, '--model', model, '--model', fixtureModel('resnet_bottleneck.legacy'), '--layer', 'layer4', '--out', join(dir, 'models.png')]);
    expect(r2.code, r2.err).toBe(0);
    expect(r2.out).toMatch(/columns: resnet_basic\.legacy-dynbatch, resnet_bottleneck\.legacy/);
  });

  it('refuses two axes at once and leaves nothing behind', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.png'), testPng());
    const r = await runCli(['compare', join(dir, 'a.png'), '--model', fixtureModel('tiny_cnn.legacy'), '--layers', 'relu1', '--targets', '1,2', '--out', join(dir, 'out', 'x.png')]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/one axis at a time/);
    expect(listFiles(join(dir, 'out'))).toEqual([]);
  });
});
