/**
 * `convlens strategies`: the files it writes agree with the library's analysis of the same
 * images, and mistakes (no class, an unknown or too small class, unlabelled folders, flags
 * the method does not read) stop it with a message and no output.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { demoDataset } from '../../src/dataset/demo-datasets.js';
import { strategies } from '../../src/dataset/strategies.js';
import { decodeImageFile } from '../../src/node/codecs.js';
import { loadModel } from '../../src/node/index.js';
import { tankScene } from '../../src/demo/scenes/index.js';
import { encodePng } from '../../src/image/png.js';
import { listFiles, runCli, tempDir } from '../cli/cli-harness.js';

const modelPath = new URL('../../models/tank-tagged.onnx', import.meta.url).pathname;

describe('convlens strategies', () => {
  it('writes the figure, eigenvalue chart, page and JSON that the library analysis gives', async () => {
    const out = join(tempDir(), 'out');
    const r = await runCli(['strategies', '--dataset', 'tanks-tagged', '--count', '80', '--model', modelPath, '--class', 'tank', '--threads', '1', '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(listFiles(out)).toEqual(['eigenvalues.png', 'strategies.html', 'strategies.json', 'strategies.png']);
    const json = JSON.parse(readFileSync(join(out, 'strategies.json'), 'utf8'));
    const model = await loadModel(modelPath, { threads: 1 });
    try {
      const data = demoDataset('tanks-tagged', { count: 80 });
      const analysis = await strategies(model, data, { className: 'tank' });
      expect(json.sizes).toEqual(analysis.clustering.sizes);
      expect(json.eigenvalues).toEqual(analysis.clustering.eigenvalues);
      expect(json.images).toEqual(analysis.images.map((i, k) => ({ id: data.entries[i].id, cluster: analysis.clustering.assignments[k] })));
      expect(json.examples.map((e: string[]) => e[0])).toEqual(analysis.clusters.map((c) => data.entries[c.members[0]].id));
    } finally {
      await model.dispose();
    }
    expect(r.out).toContain(`${json.sizes.length} clusters of ${json.sizes.join(', ')} images`);
    const figure = await decodeImageFile(join(out, 'strategies.png'));
    expect(figure.height).toBeGreaterThan(json.sizes.length * 128);
    const html = readFileSync(join(out, 'strategies.html'), 'utf8');
    expect(html).toContain('<section id="strategies"');
    expect(html).not.toMatch(/(src|href)="(https?:)?\/\//);
  }, 120_000);

  it('skips and lists unreadable images of the class, or stops on them with --strict', async () => {
    const dir = tempDir();
    for (let k = 0; k < 6; k++) {
      const label = k < 4 ? 'tank' : 'field';
      mkdirSync(join(dir, 'data', label), { recursive: true });
      writeFileSync(join(dir, 'data', label, `${k}.png`), encodePng(tankScene(k, { tank: label === 'tank', sky: 'bright' }).image));
    }
    writeFileSync(join(dir, 'data', 'tank', 'broken.png'), new Uint8Array([1, 2, 3, 4]));
    const args = ['strategies', join(dir, 'data'), '--model', modelPath, '--class', 'tank', '--threads', '1'];
    const strict = await runCli([...args, '--strict', '--out', join(dir, 'strict')]);
    expect(strict.code).toBe(1);
    expect(strict.err).toContain('[IMAGE_UNDECODABLE]');
    expect(listFiles(dir)).toEqual(['data']);
    const r = await runCli([...args, '--out', join(dir, 'out')]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('skipped 1 unreadable: tank/broken.png');
    const json = JSON.parse(readFileSync(join(dir, 'out', 'strategies.json'), 'utf8'));
    expect(json.images.map((i: { id: string }) => i.id)).toEqual(['tank/0.png', 'tank/1.png', 'tank/2.png', 'tank/3.png']);
    expect(json.skipped.map((s: { id: string }) => s.id)).toEqual(['tank/broken.png']);
  }, 120_000);

  it('stops with a message and writes nothing for mistakes', async () => {
    const dir = tempDir();
    const out = join(dir, 'out');
    const run = (...args: string[]) => runCli(['strategies', '--model', modelPath, '--out', out, ...args]);
    const noClass = await run('--dataset', 'tanks-tagged', '--count', '20');
    expect(noClass.code).toBe(2);
    expect(noClass.err).toContain('Give the class to analyse with --class C');
    const unknown = await run('--dataset', 'tanks-tagged', '--count', '20', '--class', 'horse');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/Unknown class "horse"; the dataset tanks-tagged has "no tank", "tank"\. \[BAD_OPTION\]/);
    const patch = await run('--dataset', 'tanks-tagged', '--count', '20', '--class', 'tank', '--patch', '8');
    expect(patch.code).toBe(2);
    expect(patch.err).toContain('--patch is read by occlusion');
    // A folder with one tank picture and two empty fields: too few tanks.
    for (const [label, k] of [['tank', 0], ['field', 1], ['field', 2]] as const) {
      mkdirSync(join(dir, 'data', label), { recursive: true });
      writeFileSync(join(dir, 'data', label, `${k}.png`), encodePng(tankScene(k, { tank: label === 'tank', sky: 'bright' }).image));
    }
    const few = await run(join(dir, 'data'), '--class', 'tank');
    expect(few.code).toBe(1);
    expect(few.err).toContain('The class "tank" has 1 image in');
    // A flat folder has no labels.
    const flat = await run(join(dir, 'data', 'field'), '--class', 'tank');
    expect(flat.code).toBe(1);
    expect(flat.err).toContain('has no labels');
    expect(listFiles(dir)).toEqual(['data']);
  }, 120_000);
});
