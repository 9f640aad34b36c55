/** explain checks before it computes, skips methods that do not fit, names files by what tells them apart, prints regression values. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoModelPath } from '../../src/cli/demo-command.js';
import { forward } from '../../src/methods/passes.js';
import { loadImage, loadModel } from '../../src/node/index.js';
import { fixtureModel, listFiles, runCli, tempDir, testPng } from './cli-harness.js';

function workspace() {
  const dir = tempDir();
  const image = join(dir, 'flower.png');
  writeFileSync(image, testPng(64, 64));
  return { dir, image, out: join(dir, 'out') };
}

describe('convlens explain checks first', () => {
  it('an unknown layer or class stops the command before any prediction is printed', async () => {
    const { image, out } = workspace();
    const model = fixtureModel('vgg.legacy');
    const layer = await runCli(['explain', image, '--model', model, '--method', 'gradcam,saliency', '--layer', 'features.99', '--out', out]);
    expect(layer.code).toBe(1);
    expect(layer.err).toContain('[UNKNOWN_LAYER]');
    expect(layer.out).toBe('');
    const target = await runCli(['explain', image, '--model', model, '--target', '10', '--out', out]);
    expect(target.err).toContain('[BAD_TARGET]');
    expect(target.out).toBe('');
    expect(listFiles(out)).toEqual([]);
  });

  it('a method that does not fit the model is skipped with its reason and the others are written', async () => {
    const { image, out } = workspace();
    // The VGG fixture's head has ReLUs between its pooling and its last linear layer: no CAM head.
    const r = await runCli(['explain', image, '--model', fixtureModel('vgg.legacy'), '--method', 'cam,gradcam', '--target', '2', '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/skipped cam \(NO_CAM_HEAD\)/);
    expect(listFiles(out)).toEqual(['flower.2.gradcam.png']);
    const none = await runCli(['explain', image, '--model', fixtureModel('vgg.legacy'), '--method', 'cam', '--out', out]);
    expect(none.code).toBe(1);
    expect(none.err).toContain('None of the chosen methods applies');
  });
});

describe('convlens explain file names', () => {
  it('carry the chosen class by name, so explaining another class does not overwrite', async () => {
    const { dir, image, out } = workspace();
    const labels = join(dir, 'labels.txt');
    writeFileSync(labels, Array.from({ length: 10 }, (_, i) => (i === 3 ? 'golden retriever' : i === 4 ? 'daisy' : `class ${i}`)).join('\n'));
    const model = fixtureModel('resnet_basic.legacy-dynbatch');
    for (const target of ['daisy', 'golden retriever']) {
      const r = await runCli(['explain', image, '--model', model, '--labels', labels, '--method', 'gradcam', '--target', target, '--out', out]);
      expect(r.code, r.err).toBe(0);
    }
    const untargeted = await runCli(['explain', image, '--model', model, '--method', 'gradcam', '--out', out]);
    expect(untargeted.code, untargeted.err).toBe(0);
    expect(listFiles(out)).toEqual(['flower.daisy.gradcam.png', 'flower.golden-retriever.gradcam.png', 'flower.gradcam.png']);
  });

  it('carry the model when several models write into one folder', async () => {
    const { image, out } = workspace();
    const r = await runCli(['explain', image, '--model', fixtureModel('resnet_basic.legacy'), '--model', fixtureModel('tiny_cnn.legacy'), '--method', 'saliency', '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(/^resnet_basic\.legacy: /m);
    expect(listFiles(out)).toEqual([
      'flower.resnet_basic.legacy.saliency.gray.png', 'flower.resnet_basic.legacy.saliency.png',
      'flower.tiny_cnn.legacy.saliency.gray.png', 'flower.tiny_cnn.legacy.saliency.png',
    ]);
  });
});

describe('convlens explain on a regression model', () => {
  it('prints the output values as they are, not softmax percentages', async () => {
    const { image, out } = workspace();
    const path = demoModelPath('obstacle-sensors.onnx');
    const r = await runCli(['explain', image, '--model', path, '--method', 'saliency', '--target', 'sum', '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toContain('%');
    const model = await loadModel(path);
    const x = await model.preprocess([await loadImage(image)]);
    const values = (await forward(model, x, [model.outputName]))[model.outputName].data;
    const printed = [...r.out.split('\n')[0].matchAll(/(sensor [^|]*?) (-?[\d.e-]+)(?: \||$)/g)].map((m) => Number(m[2]));
    expect(printed).toHaveLength(8);
    printed.forEach((v, i) => expect(v).toBeCloseTo(values[i], 2));
    expect(listFiles(out)).toContain('flower.sum.saliency.png');
    await model.dispose();
  });

  it('report lists every output value of a regression model instead of top-5 probabilities', async () => {
    const { dir, image } = workspace();
    const path = demoModelPath('obstacle-sensors.onnx');
    const file = join(dir, 'report.html');
    const r = await runCli(['report', image, '--model', path, '--method', 'saliency', '--target', 'sum', '--out', file]);
    expect(r.code, r.err).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).toContain('Outputs of obstacle-sensors');
    expect(html).not.toContain('probability %');
    const model = await loadModel(path);
    const values = (await forward(model, await model.preprocess([await loadImage(image)]), [model.outputName]))[model.outputName].data;
    const shown = [...html.matchAll(/sensor [^<]*<\/td><td class="num">(-?[\d.]+)</g)].map((m) => Number(m[1]));
    expect(shown).toHaveLength(8);
    shown.forEach((v, i) => expect(v).toBeCloseTo(values[i], 3));
    await model.dispose();
  });
});
