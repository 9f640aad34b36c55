/** saveFigure writes a PNG that decodes to the same pixels, and reports an unwritable path. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConvlensError } from '../../src/errors.js';
import { loadImage, saveFigure } from '../../src/node/index.js';
import { tempDir, testPicture } from '../cli/cli-harness.js';

describe('saveFigure', () => {
  it('writes a PNG whose pixels sharp decodes back exactly, creating the folder', async () => {
    const dir = tempDir();
    const picture = testPicture(37, 21);
    const file = join(dir, 'new', 'figure.png');
    await saveFigure(file, picture);
    const back = await loadImage(file);
    expect([back.width, back.height]).toEqual([37, 21]);
    expect(Buffer.from(back.data).equals(Buffer.from(picture.data))).toBe(true);
  });

  it('reports a path it cannot write as OUTPUT_UNWRITABLE', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'file'), 'x');
    const e = await saveFigure(join(dir, 'file', 'figure.png'), testPicture(4, 4)).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ConvlensError);
    expect((e as ConvlensError).code).toBe('OUTPUT_UNWRITABLE');
  });
});
