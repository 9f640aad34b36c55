/**
 * Models and inputs that used to escape as plain errors (TypeError, RangeError, onnxruntime's
 * RUNTIME) now give a ConvlensError with a code, and non-finite values never pass silently.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConvlensError } from '../../src/errors.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { gradCam } from '../../src/methods/grad-cam.js';
import { saliency } from '../../src/methods/saliency.js';
import { forward } from '../../src/methods/passes.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';
import { ModelProtoType } from '../../src/onnx/schema.js';
import type { Model } from '../../src/onnx/types.js';
import { loadModel } from '../../src/node/index.js';
import { fixtureModel, runCli, tempDir, testPng } from '../cli/cli-harness.js';

const tinyBytes = readFileSync(fixtureModel('tiny_cnn.legacy'));
const tiny = () => decodeModel(tinyBytes);

async function codeOf(p: Promise<unknown>): Promise<string> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e, 'expected a ConvlensError').toBeInstanceOf(ConvlensError);
  return (e as ConvlensError).code;
}

const load = (m: Model | Uint8Array) => loadModel(m instanceof Uint8Array ? m : encodeModel(m), { preprocess: 'unit' });

/** The model's bytes with one attribute of `type` (4 TENSOR, 5 GRAPH) that holds nothing added to its first node. */
function withEmptyAttribute(type: number): Uint8Array {
  const proto = ModelProtoType.decode(tinyBytes) as unknown as { graph: { node: { attribute: unknown[] }[] } };
  proto.graph.node[0].attribute.push({ name: 'broken', type });
  return ModelProtoType.encode(proto).finish();
}

const inputFor = (shape: number[], fill = 0.5): FloatTensor => ({ data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(fill), shape });

describe('broken models are refused at load', () => {
  it('a graph without outputs, an empty TENSOR or GRAPH attribute, an output nothing produces, a dangling input', async () => {
    const noOutputs = tiny();
    noOutputs.graph.outputs = [];
    expect(await codeOf(load(noOutputs))).toBe('MODEL_UNREADABLE');
    expect(await codeOf(load(withEmptyAttribute(4)))).toBe('MODEL_UNREADABLE');
    expect(await codeOf(load(withEmptyAttribute(5)))).toBe('MODEL_UNREADABLE');
    const ghostOutput = tiny();
    ghostOutput.graph.outputs = [{ ...ghostOutput.graph.outputs[0], name: 'nothing_makes_this' }];
    const e = await load(ghostOutput).then(() => undefined, (err: unknown) => err as ConvlensError);
    expect(e?.code).toBe('MODEL_UNREADABLE');
    expect(e?.message).toContain('nothing_makes_this');
    const oversized = tiny();
    const [name, bias] = [...oversized.graph.initializers].find(([n]) => n.endsWith('bias'))!;
    oversized.graph.initializers.set(name, { ...bias, raw: new Uint8Array(bias.raw.length + 8) });
    expect(await codeOf(load(oversized))).toBe('MODEL_UNREADABLE');
    const dangling = tiny();
    dangling.graph.nodes[2] = { ...dangling.graph.nodes[2], inputs: ['no_such_tensor', ...dangling.graph.nodes[2].inputs.slice(1)] };
    expect(await codeOf(load(dangling))).toBe('MODEL_UNREADABLE');
  });

  it('an input too large for the memory budget, fixed by the model or chosen by --input-size', async () => {
    const huge = tiny();
    huge.graph.inputs[0] = { ...huge.graph.inputs[0], shape: [2, 3, 100000, 100000] };
    const model = await load(huge);
    expect(await codeOf(model.preprocess([{ width: 4, height: 4, data: new Uint8ClampedArray(48) }]))).toBe('BATCH_TOO_LARGE');
    expect(await codeOf(gradCam(model, inputFor([2, 3, 8, 8])))).toBe('BATCH_TOO_LARGE');
    const dir = tempDir();
    writeFileSync(join(dir, 'a.png'), testPng(20, 20));
    const free = tiny();
    free.graph.inputs[0] = { ...free.graph.inputs[0], shape: ['batch', 3, 'height', 'width'] };
    free.graph.outputs[0] = { ...free.graph.outputs[0], shape: ['batch', 10] };
    writeFileSync(join(dir, 'free.onnx'), encodeModel(free));
    const r = await runCli(['explain', join(dir, 'a.png'), '--model', join(dir, 'free.onnx'), '--input-size', '100000', '--out', join(dir, 'out')]);
    expect(r.err).toMatch(/--input-size.*\[BATCH_TOO_LARGE\]/);
  });

  it('a labels file with broken JSON, and a labels list of the wrong length', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'a.png'), testPng(20, 20));
    writeFileSync(join(dir, 'broken.json'), '["cat", "dog"');
    const broken = await runCli(['explain', join(dir, 'a.png'), '--model', fixtureModel('tiny_cnn.legacy'), '--labels', join(dir, 'broken.json'), '--out', join(dir, 'out')]);
    expect(broken.err).toMatch(/not valid JSON.*\[BAD_OPTION\]/);
    await expect(loadModel(tinyBytes, { labels: ['a', 'b'] })).rejects.toThrow(/2 names but .* 10 values/);
  });
});

describe('bad values in calls', () => {
  it('target: null is a BAD_TARGET', async () => {
    const model = await load(tinyBytes);
    const x = inputFor([2, ...model.itemShape]);
    expect(await codeOf(saliency(model, x, { target: null as unknown as number }))).toBe('BAD_TARGET');
    expect(await codeOf(saliency(model, x, { target: { weights: null } as unknown as number }))).toBe('BAD_TARGET');
    expect(await codeOf(saliency(model, x, { target: { perImage: 3 } as unknown as number }))).toBe('BAD_TARGET');
    await model.dispose();
  });

  it('NaN or Infinity in the input is BAD_INPUT', async () => {
    const model = await load(tinyBytes);
    for (const v of [NaN, Infinity, -Infinity]) {
      const x = inputFor([2, ...model.itemShape]);
      x.data[17] = v;
      expect(await codeOf(gradCam(model, x, { layer: 'conv2', target: 0 }))).toBe('BAD_INPUT');
    }
    await model.dispose();
  });

  it('NaN in the weights gives NON_FINITE naming the first node whose output is not finite', async () => {
    const m = tiny();
    const conv2 = m.graph.nodes.find((n) => n.name === '/conv2/Conv')!;
    const weight = m.graph.initializers.get(conv2.inputs[1])!;
    const raw = new Uint8Array(weight.raw);
    new DataView(raw.buffer).setFloat32(4 * 5, NaN, true);
    m.graph.initializers.set(weight.name, { ...weight, raw });
    const model = await load(m);
    const x = inputFor([2, ...model.itemShape]);
    for (const call of [() => forward(model, x, [model.outputName]), () => saliency(model, x, { target: 1 }), () => gradCam(model, x, { layer: 'conv1' })]) {
      const e = await call().then(() => undefined, (err: unknown) => err as ConvlensError);
      expect(e?.code).toBe('NON_FINITE');
      expect(e?.message).toContain('"/conv2/Conv" (Conv)');
    }
    await model.dispose();
  });
});
