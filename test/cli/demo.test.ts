/** `convlens demo`: one self-contained page, its path printed, nothing half-written on failure. */
// The whole demo takes about a minute alone and several on a busy machine: its timeout is a hang guard, not a speed check.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { listFiles, runCli, tempDir } from './cli-harness.js';

describe('convlens demo', () => {
  it('writes one HTML file with every section and prints the studies\' numbers and its path', async () => {
    const dir = tempDir();
    const r = await runCli(['demo', '--out', `${dir}/`]);
    expect(r.code, r.err).toBe(0);
    expect(listFiles(dir)).toEqual(['convlens-demo.html']);
    const file = join(dir, 'convlens-demo.html');
    expect(r.out).toContain(`wrote ${file}`);
    expect(r.out).toMatch(/tanks: the shortcut model scores [\d.]+ % on the biased split/);
    const html = readFileSync(file, 'utf8');
    for (const id of ['scenes', 'tanks', 'obstacle', 'shapes']) expect(html).toContain(`<section id="${id}"`);
  }, 360_000);

  it('refuses an output path under a file before any work, and writes nothing', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'plain'), 'x');
    const r = await runCli(['demo', '--out', join(dir, 'plain', 'demo.html')]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('[OUTPUT_UNWRITABLE]');
    expect(listFiles(dir)).toEqual(['plain']);
  });
});
