/** Every kind of bad input gets a ConvlensError code, a message saying what to do, a non-zero exit and no output files. */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConvlensError } from '../../src/errors.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';
import { gradCam } from '../../src/methods/grad-cam.js';
import { saliency } from '../../src/methods/saliency.js';
import { loadModel } from '../../src/node/index.js';
import { fixtureModel, listFiles, runCli, tempDir, testPng } from './cli-harness.js';

async function expectCode(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e, `expected a ${code} error`).toBeInstanceOf(ConvlensError);
  expect((e as ConvlensError).code).toBe(code);
  expect((e as ConvlensError).message).toMatch(message);
}

function workspace() {
  const dir = tempDir();
  const image = join(dir, 'img.png');
  writeFileSync(image, testPng());
  return { dir, image, out: join(dir, 'out') };
}

/** Runs `explain` and checks the exit code, the error code in the message, and that nothing was written. */
async function explainFails(args: string[], code: string, message: RegExp) {
  const { image, out } = workspace();
  const r = await runCli(['explain', image, '--out', out, ...args]);
  expect(r.code).not.toBe(0);
  expect(r.err).toContain(`[${code}]`);
  expect(r.err).toMatch(message);
  expect(r.err).not.toMatch(/\n\s+at /);
  expect(listFiles(out)).toEqual([]);
}

describe('bad input', () => {
  const model = fixtureModel('resnet_basic.legacy-dynbatch');

  it('missing, unreadable and non-ONNX model files', async () => {
    const { dir } = workspace();
    await explainFails(['--model', join(dir, 'nope.onnx')], 'MODEL_NOT_FOUND', /nope\.onnx/);
    writeFileSync(join(dir, 'text.onnx'), 'this is not a model');
    await explainFails(['--model', join(dir, 'text.onnx')], 'NOT_ONNX', /not an ONNX model/);
    const bytes = readFileSync(model);
    writeFileSync(join(dir, 'cut.onnx'), bytes.subarray(0, bytes.length >> 1));
    await explainFails(['--model', join(dir, 'cut.onnx')], 'NOT_ONNX', /ONNX/);
    mkdirSync(join(dir, 'folder.onnx'));
    await explainFails(['--model', join(dir, 'folder.onnx')], 'MODEL_UNREADABLE', /folder\.onnx/);
  });

  it('unsupported ops are named with their nodes before anything runs', async () => {
    const { dir } = workspace();
    const m = decodeModel(readFileSync(fixtureModel('tiny_cnn.legacy')));
    const nodes = m.graph.nodes.map((n) => (n.opType === 'Relu' ? { ...n, opType: 'FancyRelu', domain: 'com.example' } : n));
    const path = join(dir, 'custom.onnx');
    writeFileSync(path, encodeModel({ ...m, opsets: [...m.opsets, { domain: 'com.example', version: 1 }], graph: { ...m.graph, nodes } }));
    await expectCode(loadModel(path), 'UNSUPPORTED_OPS', /FancyRelu.*\/relu1\/Relu/s);
    await explainFails(['--model', path], 'UNSUPPORTED_OPS', /FancyRelu/);
  });

  it('missing and undecodable images', async () => {
    const { dir, out } = workspace();
    const r = await runCli(['explain', join(dir, 'missing.jpg'), '--model', model, '--out', out]);
    expect(r.err).toContain('[IMAGE_NOT_FOUND]');
    writeFileSync(join(dir, 'bad.jpg'), 'not an image at all');
    const r2 = await runCli(['explain', join(dir, 'img.png'), join(dir, 'bad.jpg'), '--model', model, '--out', out]);
    expect(r2.code).toBe(1);
    expect(r2.err).toContain('[IMAGE_UNDECODABLE]');
    expect(r2.err).toContain('bad.jpg');
    expect(listFiles(out)).toEqual([]);
  });

  it('unknown layers list the closest matches', async () => {
    await explainFails(['--model', model, '--method', 'gradcam', '--layer', 'layer5'], 'UNKNOWN_LAYER', /layer4/);
    const m = await loadModel(model);
    const x = { data: new Float32Array(3 * 64 * 64), shape: [1, 3, 64, 64] };
    await expectCode(gradCam(m, x, { layer: 'layr4', target: 0 }), 'UNKNOWN_LAYER', /layer4/);
    await expectCode(gradCam(m, x, { layer: 'fc', target: 0 }), 'NO_SPATIAL_OUTPUT', /fc/);
  });

  it('out-of-range and malformed targets', async () => {
    await explainFails(['--model', model, '--target', '10'], 'BAD_TARGET', /0 to 9/);
    await explainFails(['--model', model, '--target', 'cat'], 'BAD_TARGET', /no labels/);
    const m = await loadModel(model);
    const x = { data: new Float32Array(3 * 64 * 64), shape: [1, 3, 64, 64] };
    await expectCode(saliency(m, x, { target: -1 }), 'BAD_TARGET', /out of range/);
    await expectCode(saliency(m, x, { target: { weights: [1, 2] } }), 'BAD_TARGET', /10 finite numbers/);
    await expectCode(saliency(m, { data: new Float32Array(10), shape: [1, 3, 32, 32] }, { target: 0 }), 'BAD_INPUT', /\[N, 3, 64, 64\]/);
  });

  it('a batch over the memory budget', async () => {
    await explainFails(['--model', model, '--memory-budget', '0.01'], 'BATCH_TOO_LARGE', /memory budget/);
    const m = await loadModel(model, { memoryBudget: 1024 });
    await expectCode(saliency(m, { data: new Float32Array(2 * 3 * 64 * 64), shape: [2, 3, 64, 64] }, { target: 0 }), 'BATCH_TOO_LARGE', /--memory-budget/);
  });

  it('an unwritable output folder', async () => {
    const { dir, image } = workspace();
    writeFileSync(join(dir, 'file'), 'x');
    const r = await runCli(['explain', image, '--model', model, '--out', join(dir, 'file', 'sub')]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('[OUTPUT_UNWRITABLE]');
  });

  it('unknown commands, methods and flags', async () => {
    expect((await runCli(['explian'])).code).toBe(2);
    await explainFails(['--model', model, '--method', 'magic'], 'BAD_OPTION', /saliency/);
    const r = await runCli(['layers', '--model', model, '--bogus']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bogus/);
  });
});
