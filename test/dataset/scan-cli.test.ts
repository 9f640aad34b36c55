/**
 * `convlens scan` on folders, CSV and list files of demo pictures: labels from sub-folders,
 * unreadable images skipped and listed (or fatal with --strict), empty folders refused, and
 * the scan folder's numbers against the library scan of the same images.
 */
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { encodePng } from '../../src/image/png.js';
import { shapeScene } from '../../src/demo/scenes/index.js';
import { listFiles, runCli, tempDir } from '../cli/cli-harness.js';

const model = new URL('../../models/shapes.onnx', import.meta.url).pathname;
let root: string;
const good: { path: string; label: string }[] = [];

beforeAll(() => {
  root = tempDir('convlens-scan-');
  for (const shape of ['circle', 'square'] as const) {
    mkdirSync(join(root, 'data', shape, 'more'), { recursive: true });
    for (let i = 0; i < 4; i++) {
      const path = join('data', shape, i === 3 ? 'more' : '', `${i}.png`);
      writeFileSync(join(root, path), encodePng(shapeScene(i + (shape === 'circle' ? 0 : 50), { shape })));
      good.push({ path, label: shape });
    }
  }
  writeFileSync(join(root, 'data', 'circle', 'broken.png'), new Uint8Array([1, 2, 3, 4, 5]));
  writeFileSync(join(root, 'data', 'notes.txt'), 'not an image');
});

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));

describe('convlens scan on files', () => {
  it('labels by sub-folder, skips and lists the unreadable image, and writes the scan folder', async () => {
    const out = join(root, 'out');
    const r = await runCli(['scan', join(root, 'data'), '--model', model, '--layers', 'features.7', '--top', '3', '--out', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/scanned 8 images \(skipped 1 unreadable: circle\/broken\.png\)/);
    const scan = readJson(join(out, 'scan.json'));
    expect(scan.dataset.classNames).toEqual(['circle', 'square']);
    expect(scan.dataset.skipped.map((s: { id: string }) => s.id)).toEqual(['circle/broken.png']);
    const preds = readJson(join(out, 'predictions.json')) as { id: string; label: number; predicted: number }[];
    expect(preds).toHaveLength(8);
    // Dataset classes map to the model's outputs by name: circle is output 0, square output 1.
    const correct = [0, 1].map((l) => preds.filter((p) => p.label === l && p.predicted === l).length);
    expect(scan.accuracy.perClass.map((c: { correct: number }) => c.correct)).toEqual(correct);
    expect(scan.accuracy.confusion[0].reduce((a: number, b: number) => a + b, 0)).toBe(4);
    const units = readJson(join(out, 'layers', 'features.7', 'units.json'));
    expect(units.units).toHaveLength(96);
    for (const u of units.units) {
      expect(u.top).toHaveLength(3);
      expect(u.top[0].score).toBeGreaterThanOrEqual(u.top[2].score);
      expect(u.threshold).toBeLessThanOrEqual(u.max * 1.005);
    }
    expect(listFiles(join(out, 'layers', 'features.7')).filter((f) => f.endsWith('.png'))).toHaveLength(96);
  }, 120_000);

  it('stops at the unreadable image with --strict and writes nothing', async () => {
    const out = join(root, 'strict');
    const r = await runCli(['scan', join(root, 'data'), '--model', model, '--layers', 'features.7', '--strict', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/broken\.png.*IMAGE_UNDECODABLE/s);
    expect(existsSync(out)).toBe(false);
  }, 60_000);

  it('refuses an empty folder with a clear message', async () => {
    mkdirSync(join(root, 'empty', 'sub'), { recursive: true });
    const out = join(root, 'none');
    const r = await runCli(['scan', join(root, 'empty'), '--model', model, '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/holds no images/);
    expect(existsSync(out)).toBe(false);
  });

  it('reads labels from a CSV and none from a list file', async () => {
    writeFileSync(join(root, 'labels.csv'), ['path,label', ...good.map((g) => `${g.path},${g.label === 'circle' ? 'square' : 'circle'}`)].join('\n'));
    writeFileSync(join(root, 'list.txt'), good.map((g) => g.path).join('\n'));
    const csvOut = join(root, 'csv');
    expect((await runCli(['scan', join(root, 'labels.csv'), '--model', model, '--layers', 'features.7', '--top', '2', '--out', csvOut])).code).toBe(0);
    const listOut = join(root, 'list');
    expect((await runCli(['scan', join(root, 'list.txt'), '--model', model, '--layers', 'features.7', '--top', '2', '--out', listOut])).code).toBe(0);
    const csv = readJson(join(csvOut, 'predictions.json')) as { id: string; label: number }[];
    // The CSV swaps the classes, so every circle picture is labelled square (index 1).
    expect(csv.filter((p) => p.id.startsWith('data/circle')).every((p) => p.label === 1)).toBe(true);
    const list = readJson(join(listOut, 'scan.json'));
    expect(list.dataset.classNames).toBeNull();
    expect(list.accuracy).toBeNull();
    expect(readJson(join(listOut, 'predictions.json')).map((p: { predicted: number }) => p.predicted))
      .toEqual(readJson(join(csvOut, 'predictions.json')).map((p: { predicted: number }) => p.predicted));
  }, 120_000);
});
