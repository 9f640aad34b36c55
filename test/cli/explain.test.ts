import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { maskBoundingBox, thresholdMask } from '../../src/image/mask.js';
import { decodeNpy } from '../npy-reader.js';
import { decodeImageFile } from '../../src/node/codecs.js';
import { gradCam } from '../../src/methods/grad-cam.js';
import { saliency } from '../../src/methods/saliency.js';
import { integratedGradients } from '../../src/methods/integrated-gradients.js';
import { occlusion } from '../../src/methods/occlusion.js';
import { smoothGrad } from '../../src/methods/smoothgrad.js';
import { loadImage, loadModel } from '../../src/node/index.js';
import { fixtureModel, listFiles, runCli, tempDir, testPng } from './cli-harness.js';

describe('convlens explain', () => {
  it('prints top-5 predictions, writes overlays, and --raw maps equal to the library results', async () => {
    const dir = tempDir();
    const image = join(dir, 'scene.png');
    writeFileSync(image, testPng());
    const out = join(dir, 'out');
    const model = fixtureModel('resnet_basic.legacy-dynbatch');
    const r = await runCli(['explain', image, '--model', model, '--method', 'gradcam,guided', '--layer', 'layer3', '--target', '4', '--preprocess', 'unit', '--out', out, '--raw']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out.split('\n')[0].split(' | ')).toHaveLength(5);
    // --target was chosen, so every file name carries it.
    expect(listFiles(out)).toEqual(['scene.4.gradcam.npy', 'scene.4.gradcam.png', 'scene.4.guided.gray.png', 'scene.4.guided.npy', 'scene.4.guided.png']);

    const m = await loadModel(model, { preprocess: 'unit' });
    const x = await m.preprocess([await loadImage(image)]);
    const cam = await gradCam(m, x, { layer: 'layer3', target: 4 });
    const guided = await saliency(m, x, { target: 4, rule: 'guided' });
    const camNpy = decodeNpy(readFileSync(join(out, 'scene.4.gradcam.npy')));
    expect(camNpy.shape).toEqual([4, 4]);
    expect(Array.from(camNpy.data)).toEqual(Array.from(cam.raw.data));
    const guidedNpy = decodeNpy(readFileSync(join(out, 'scene.4.guided.npy')));
    expect(guidedNpy.shape).toEqual([3, 64, 64]);
    expect(Array.from(guidedNpy.data)).toEqual(Array.from(guided.raw.data));
    await m.dispose();
  });

  it('explains several classes per image with one file per (image, class)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.png'), testPng(64, 64));
    const out = join(dir, 'out');
    const r = await runCli(['explain', join(dir, 'a.png'), '--model', fixtureModel('resnet_basic.legacy-dynbatch'), '--method', 'gradcam', '--target', '1,2', '--out', out, '--raw']);
    expect(r.code, r.err).toBe(0);
    expect(listFiles(out)).toEqual(['a.1.gradcam.npy', 'a.1.gradcam.png', 'a.2.gradcam.npy', 'a.2.gradcam.png']);
  });
});

describe('convlens explain method options', () => {
  it('passes --samples, --steps, --baseline, --patch and --fill through to the methods', async () => {
    const dir = tempDir();
    const image = join(dir, 'p.png');
    writeFileSync(image, testPng(64, 64));
    const out = join(dir, 'out');
    const model = fixtureModel('resnet_basic.legacy-dynbatch');
    const r = await runCli(['explain', image, '--model', model, '--preprocess', 'unit', '--method', 'smoothgrad,ig,occlusion', '--target', '3',
      '--samples', '4', '--noise', '0.1', '--seed', '5', '--steps', '8', '--baseline', 'zero', '--patch', '16', '--stride', '8', '--fill', 'mean', '--out', out, '--raw']);
    expect(r.code, r.err).toBe(0);
    const m = await loadModel(model, { preprocess: 'unit' });
    const x = await m.preprocess([await loadImage(image)]);
    const expected = {
      smoothgrad: (await smoothGrad(m, x, { target: 3, samples: 4, noise: 0.1, seed: 5 })).raw,
      ig: (await integratedGradients(m, x, { target: 3, steps: 8, baseline: 'zero' })).raw,
      occlusion: (await occlusion(m, x, { target: 3, patch: 16, stride: 8, fill: 'mean' })).raw,
    };
    for (const [name, t] of Object.entries(expected)) {
      const npy = decodeNpy(readFileSync(join(out, `p.3.${name}.npy`)));
      expect(npy.shape, name).toEqual(t.shape.slice(1));
      expect(Array.from(npy.data), name).toEqual(Array.from(t.data));
    }
    expect(decodeNpy(readFileSync(join(out, 'p.3.occlusion.npy'))).shape).toEqual([7, 7]);

    const unitOut = join(dir, 'unit');
    const u = await runCli(['explain', image, '--model', model, '--preprocess', 'unit', '--method', 'occlusion', '--unit', 'layer3:5',
      '--patch', '16', '--stride', '8', '--out', unitOut, '--raw']);
    expect(u.code, u.err).toBe(0);
    const byUnit = (await occlusion(m, x, { unit: { layer: 'layer3', channel: 5 }, patch: 16, stride: 8 })).raw;
    expect(Array.from(decodeNpy(readFileSync(join(unitOut, 'p.unit-layer3-5.occlusion.npy'))).data)).toEqual(Array.from(byUnit.data));
    expect(byUnit.data).not.toEqual(expected.occlusion.data);
    const bad = await runCli(['explain', image, '--model', model, '--method', 'occlusion', '--unit', 'layer3', '--out', join(dir, 'bad')]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/--unit must be LAYER:CHANNEL/);
  });
});

describe('convlens explain --crop', () => {
  it('writes the region where the map passes the threshold and its bounding box', async () => {
    const dir = tempDir();
    const image = join(dir, 'c.png');
    writeFileSync(image, testPng(64, 64));
    const out = join(dir, 'out');
    const model = fixtureModel('resnet_basic.legacy-dynbatch');
    const r = await runCli(['explain', image, '--model', model, '--preprocess', 'unit', '--method', 'gradcam', '--layer', 'layer3', '--target', '1', '--crop', '0.6', '--out', out]);
    expect(r.code, r.err).toBe(0);
    const m = await loadModel(model, { preprocess: 'unit' });
    const cam = await gradCam(m, await m.preprocess([await loadImage(image)]), { layer: 'layer3', target: 1 });
    const box = maskBoundingBox(thresholdMask(cam.map.data, { threshold: 0.6 }), 64, 64)!;
    const crop = await decodeImageFile(join(out, 'c.1.gradcam.crop.png'));
    expect([crop.width, crop.height]).toEqual([box.width, box.height]);
    expect(listFiles(out)).toContain('c.1.gradcam.box.png');
  });
});

describe('convlens layers', () => {
  it('lists layers with module paths and shapes, as a table and as JSON', async () => {
    const model = fixtureModel('resnet_basic.legacy');
    const table = await runCli(['layers', '--model', model]);
    expect(table.code).toBe(0);
    expect(table.out).toMatch(/layer4\.1\s+Add\s+\[2, 16, 2, 2\]/);
    const json = await runCli(['layers', '--model', model, '--json']);
    const layers = JSON.parse(json.out) as { module: string; op: string; shape: number[] }[];
    expect(layers[0]).toMatchObject({ module: 'conv1', op: 'Conv', shape: [2, 8, 32, 32] });
    expect(layers.at(-1)).toMatchObject({ op: 'Gemm', shape: [2, 10] });
  });
});
