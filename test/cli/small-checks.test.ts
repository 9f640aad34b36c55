/** Small command-line checks: the right flag is blamed, a second --model is refused, other URL schemes are named. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fixtureModel, runCli, tempDir, testPng } from './cli-harness.js';

const model = fixtureModel('tiny_cnn.legacy');

describe('small command-line checks', () => {
  it('layers --size 0x0 blames --size', async () => {
    const r = await runCli(['layers', '--model', model, '--size', '0x0']);
    expect(r.err).toMatch(/--size must be positive.*\[BAD_OPTION\]/);
    expect(r.err).not.toContain('--input-size');
  });

  it('features, filters and layers refuse two --model flags (explain explains each)', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.png'), testPng(20, 20));
    for (const args of [['features', join(dir, 'a.png'), '--layer', 'conv1'], ['filters', '--layer', 'conv1'], ['layers']]) {
      const r = await runCli([...args, '--model', model, `--model=${model}`, ...(args[0] === 'layers' ? [] : ['--out', join(dir, 'out')])]);
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/takes one --model.*\[BAD_OPTION\]/);
    }
  });

  it('an ftp:// model is refused as an unsupported URL, not looked up as a path', async () => {
    const r = await runCli(['layers', '--model', 'ftp://example.org/m.onnx']);
    expect(r.err).toMatch(/ftp: URLs: convlens downloads http\(s\) URLs and reads files.*\[BAD_OPTION\]/);
  });

  it('--download-timeout takes a positive number of seconds', async () => {
    const r = await runCli(['layers', '--model', model, '--download-timeout', 'soon']);
    expect(r.err).toMatch(/--download-timeout is a number of seconds.*\[BAD_OPTION\]/);
  });
});
