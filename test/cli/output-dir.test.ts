/** All-or-nothing output: earlier files survive a failed run, names never collide, bad folders fail fast. */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConvlensError } from '../../src/errors.js';
import { OutputDir } from '../../src/cli/output-dir.js';
import { fixtureModel, listFiles, runCli, tempDir, testPng } from './cli-harness.js';

const model = fixtureModel('tiny_cnn.legacy');

describe('OutputDir', () => {
  it('keeps every earlier file when one output path is blocked by a folder', async () => {
    const dir = tempDir();
    const image = join(dir, 'ok.png');
    writeFileSync(image, testPng(32, 32));
    const out = join(dir, 'out');
    mkdirSync(join(out, 'ok.saliency.png'), { recursive: true });
    writeFileSync(join(out, 'ok.gradcam.png'), 'from an earlier run');
    const r = await runCli(['explain', image, '--model', model, '--method', 'gradcam,saliency', '--out', out]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('[OUTPUT_UNWRITABLE]');
    expect(r.err).toContain('ok.saliency.png');
    expect(listFiles(out)).toEqual(['ok.gradcam.png', 'ok.saliency.png']);
    expect(readFileSync(join(out, 'ok.gradcam.png'), 'utf8')).toBe('from an earlier run');
  });

  it('puts earlier files back when a rename fails half-way through the swap', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.png'), 'old a');
    const out = new OutputDir(dir);
    out.add('a.png', 'new a');
    out.add('b.png', 'new b');
    // A name under a.png, a file once it is swapped in: its folder cannot be made half-way through.
    out.add('a.png/c.png', 'new c');
    const error = await out.commit().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConvlensError);
    expect((error as ConvlensError).code).toBe('OUTPUT_UNWRITABLE');
    expect(listFiles(dir)).toEqual(['a.png']);
    expect(readFileSync(join(dir, 'a.png'), 'utf8')).toBe('old a');
  });

  it('writes names in subfolders, and removes the subfolders it made when the commit fails', async () => {
    const dir = tempDir();
    const out = new OutputDir(dir);
    out.add('layers/x/a.png', 'a');
    out.add('b.png', 'b');
    await out.commit();
    expect(readFileSync(join(dir, 'layers', 'x', 'a.png'), 'utf8')).toBe('a');
    const failing = new OutputDir(dir);
    failing.add('maps/one/a.png', 'a');
    failing.add('b.png/c.png', 'c');
    await expect(failing.commit()).rejects.toMatchObject({ code: 'OUTPUT_UNWRITABLE' });
    expect(listFiles(dir)).toEqual(['b.png', 'layers']);
  });

  it('replaces earlier files and creates a missing folder on success', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.png'), 'old a');
    const out = new OutputDir(join(dir, 'new', 'deeper'));
    out.add('a.png', 'x');
    expect(await out.commit()).toEqual([join(dir, 'new', 'deeper', 'a.png')]);
    const replace = new OutputDir(dir);
    replace.add('a.png', 'new a');
    await replace.commit();
    expect(listFiles(dir)).toEqual(['a.png', 'new']);
    expect(readFileSync(join(dir, 'a.png'), 'utf8')).toBe('new a');
  });

  it('fails fast, before any work, on a folder that cannot be made (/proc/x)', async () => {
    const dir = tempDir();
    const image = join(dir, 'ok.png');
    writeFileSync(image, testPng(32, 32));
    // The model does not exist: the output folder is checked before it is opened.
    const r = await runCli(['explain', image, '--model', join(dir, 'none.onnx'), '--out', '/proc/convlens-x']);
    expect(r.err).toContain('[OUTPUT_UNWRITABLE]');
    const f = await runCli(['features', image, '--model', model, '--layer', 'conv1', '--out', '/proc/convlens-x/y']);
    expect(f.err).toContain('[OUTPUT_UNWRITABLE]');
  });
});

describe('per-image file names', () => {
  it('features writes one file per image when two images share a name', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'a'));
    mkdirSync(join(dir, 'b'));
    writeFileSync(join(dir, 'a', 'x.png'), testPng(32, 32));
    writeFileSync(join(dir, 'b', 'x.png'), testPng(40, 30));
    const out = join(dir, 'out');
    const r = await runCli(['features', join(dir, 'a', 'x.png'), join(dir, 'b', 'x.png'), '--model', model, '--layer', 'conv1', '--out', out, '--raw']);
    expect(r.code, r.err).toBe(0);
    expect(listFiles(out)).toEqual(['x-2.features.npy', 'x-2.features.png', 'x.features.npy', 'x.features.png']);
    expect(readFileSync(join(out, 'x.features.png')).equals(readFileSync(join(out, 'x-2.features.png')))).toBe(false);
  });
});
