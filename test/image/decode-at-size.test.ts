/** Pictures decoded at the size a model needs: huge ones shrink while decoding, others stay as they are. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { loadImage } from '../../src/node/index.js';
import { fixtureModel, listFiles, runCli, tempDir, testPng } from '../cli/cli-harness.js';

/** A 4000 x 3000 JPEG: a gradient left to right, so shrinking can be checked by its colours. */
async function bigJpeg(): Promise<Uint8Array> {
  const small = Buffer.alloc(40 * 30 * 3);
  for (let y = 0; y < 30; y++) for (let x = 0; x < 40; x++) small.set([x * 6, 100, 200 - x * 5], (y * 40 + x) * 3);
  return new Uint8Array(await sharp(small, { raw: { width: 40, height: 30, channels: 3 } }).resize(4000, 3000, { kernel: 'nearest' }).jpeg().toBuffer());
}

describe('decoding at size', () => {
  it('shrinks a picture more than four times too large to four times the size needed, keeping its shape', async () => {
    const bytes = await bigJpeg();
    const full = await loadImage(bytes);
    expect([full.width, full.height]).toEqual([4000, 3000]);
    const shrunk = await loadImage(bytes, { atLeast: [64, 64] });
    // 'outside' a 256 x 256 box: the short side is 256, the long one keeps the 4:3 ratio.
    expect(shrunk.height).toBe(256);
    expect(Math.abs(shrunk.width - 341)).toBeLessThanOrEqual(1);
    // Same picture: the colour at a relative position matches the full decode's.
    const at = (img: typeof full, fx: number, fy: number) => {
      const i = (Math.floor(fy * img.height) * img.width + Math.floor(fx * img.width)) * 3;
      return [img.data[i], img.data[i + 1], img.data[i + 2]];
    };
    for (const [fx, fy] of [[0.1, 0.5], [0.52, 0.3], [0.9, 0.8]]) {
      at(shrunk, fx, fy).forEach((v, c) => expect(Math.abs(v - at(full, fx, fy)[c])).toBeLessThanOrEqual(12));
    }
  });

  it('leaves pictures that are not that large untouched', async () => {
    const png = testPng(300, 200);
    expect(await loadImage(png, { atLeast: [64, 64] })).toEqual(await loadImage(png));
  });

  it('explain reads a huge picture under a small memory budget', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'big.jpg'), await bigJpeg());
    const r = await runCli(['explain', join(dir, 'big.jpg'), '--model', fixtureModel('resnet_basic.legacy-dynbatch'), '--method', 'gradcam',
      '--memory-budget', '8', '--out', join(dir, 'out')]);
    expect(r.code, r.err).toBe(0);
    expect(listFiles(join(dir, 'out'))).toEqual(['big.gradcam.png']);
  });
});
