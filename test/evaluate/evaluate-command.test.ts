/**
 * `convlens evaluate` end to end on the shapes demo model, and the clear errors of bad input:
 * an unknown metric, boxes drawn on pictures of another size or outside the input, maps of the
 * wrong shape. A failed run leaves no output file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { ConvlensError } from '../../src/errors.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { evaluateMethods } from '../../src/evaluate/method-table.js';
import { encodePng } from '../../src/image/png.js';
import { findMethod } from '../../src/methods/registry.js';
import { loadImage, loadModel } from '../../src/node/index.js';
import { shapesDataset } from '../../src/demo/scenes/index.js';
import { listFiles, runCli, tempDir } from '../cli/cli-harness.js';

const shapes = fileURLToPath(new URL('../../models/shapes.onnx', import.meta.url));

describe('convlens evaluate', () => {
  const dir = tempDir('convlens-evaluate-');
  const images = shapesDataset({ count: 2, seed: 2001 }).images.map((img, i) => {
    const path = join(dir, `shape${i}.png`);
    writeFileSync(path, encodePng(img));
    return path;
  });
  const boxes = (lines: string[]) => {
    const path = join(dir, `boxes-${lines.length}-${lines[0].length}.csv`);
    writeFileSync(path, ['image,x,y,width,height,image_width,image_height', ...lines].join('\n'));
    return path;
  };

  it('writes the methods-by-metrics page and prints the same numbers the library computes', async () => {
    const out = join(dir, 'table.html');
    const box = boxes(['shape0.png,8,8,16,16,32,32', 'shape1.png,4,4,20,20,32,32']);
    const r = await runCli(['evaluate', ...images, '--model', shapes, '--methods', 'saliency,gradcam', '--metrics', 'deletion,pointing,randomization', '--boxes', box, '--out', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const html = readFileSync(out, 'utf8');
    for (const text of ['Methods by metrics', 'deletion ↓', 'pointing ↑', 'MPRT ↓', 'sanity', 'cascading randomization']) expect(html).toContain(text);
    const model = await loadModel(shapes);
    const x = await model.preprocess(await Promise.all(images.map((p) => loadImage(p))));
    const table = await evaluateMethods(model, x, [findMethod('gradcam')], ['deletion']);
    const printed = /gradcam: deletion AUC ([\d.]+) ± ([\d.]+)/.exec(r.out);
    expect(printed?.slice(1).map(Number)).toEqual([table.rows[0].evaluations[0].scores[0].mean, table.rows[0].evaluations[0].scores[0].spread].map((v) => Number(v.toFixed(2))));
    expect(r.out).toMatch(/saliency: .*depends on the model/);
    await model.dispose();
  });

  it.each([
    [['--metrics', 'deletion,faithfulness'], 'Unknown metric "faithfulness"; use one of deletion, insertion, road, drop, pointing, randomization'],
    [['--metrics', 'pointing'], 'The pointing metric needs the objects\' boxes'],
    [['--metrics', 'pointing', '--boxes', 'OTHER'], 'gives a box on a 640x480 picture, but the model sees 32x32'],
    [['--metrics', 'pointing', '--boxes', 'OUTSIDE'], 'does not lie inside the 32x32 model input'],
    [['--metrics', 'pointing', '--boxes', 'MISSING'], 'has no box for'],
    [['--methods', 'gradcam,nope'], 'Unknown method "nope"'],
  ])('%j fails with a clear message and leaves no file', async (args, message) => {
    const out = join(dir, 'bad', 'table.html');
    const files: Record<string, string> = {
      OTHER: boxes(['shape0.png,8,8,16,16,640,480', 'shape1.png,4,4,20,20,640,480']),
      OUTSIDE: boxes(['shape0.png,20,20,16,16', 'shape1.png,4,4,20,20']),
      MISSING: boxes(['shape0.png,8,8,16,16']),
    };
    const r = await runCli(['evaluate', ...images, '--model', shapes, ...args.map((a) => files[a] ?? a), '--out', out]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(message);
    expect(listFiles(join(dir, 'bad'))).toEqual([]);
    expect(existsSync(out)).toBe(false);
  });
});

describe('evaluate: bad input in the library', () => {
  let model: ConvlensModel;
  beforeAll(async () => { model = await loadModel(shapes); });
  afterAll(() => model?.dispose());
  const x = { data: new Float32Array(2 * 3 * 32 * 32).fill(0.5), shape: [2, 3, 32, 32] };
  const maps = { data: new Float32Array(2 * 32 * 32), shape: [2, 32, 32] };
  const fails = async (run: () => Promise<unknown>, code: string, text: string) => {
    const e = await run().catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ConvlensError);
    expect((e as ConvlensError).code).toBe(code);
    expect((e as ConvlensError).message).toContain(text);
  };

  it('names the unknown metric, the wrong map shape, boxes outside the input, fixed maps for randomization', async () => {
    await fails(() => evaluate(model, x, maps, 'sharpness' as never), 'BAD_OPTION', 'Unknown metric "sharpness"');
    await fails(() => evaluate(model, x, { data: new Float32Array(2 * 16 * 16), shape: [2, 16, 16] }, 'deletion'), 'BAD_INPUT', 'give one map per image at the input\'s resolution, [2, 32, 32]');
    await fails(() => evaluate(model, x, maps, 'pointing', { boxes: [[{ x: 0, y: 0, width: 64, height: 64 }], [{ x: 0, y: 0, width: 8, height: 8 }]] }), 'BAD_INPUT', 'does not lie inside the 32x32 model input');
    await fails(() => evaluate(model, x, maps, 'pointing', { boxes: [[{ x: 0, y: 0, width: 8, height: 8 }]] }), 'BAD_INPUT', 'for each of the 2 images');
    await fails(() => evaluate(model, x, maps, 'randomization'), 'BAD_INPUT', 'needs the explanation as a function');
    await fails(() => evaluate(model, x, maps, 'deletion', { target: [1, 2] }), 'BAD_TARGET', 'one target per image');
  });
});
