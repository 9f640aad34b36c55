/** For every registered method: the model file and the decoded model stay unchanged, and repeated calls give identical bytes. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeModel } from '../../src/onnx/codec.js';
import { methodRegistry } from '../../src/methods/registry.js';
import { loadModel } from '../../src/node/index.js';
import { loadRefs, modelPath } from './refs.js';

const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe.each(methodRegistry.map((m) => [m.name, m] as const))('method %s', (_, method) => {
  it('leaves the model untouched and is deterministic', async () => {
    const refs = loadRefs('resnet_bottleneck');
    const path = modelPath(refs.json.exports.dynamo.file);
    const fileBefore = sha(readFileSync(path));
    const model = await loadModel(path, { preprocess: 'unit' });
    const decodedBefore = sha(encodeModel(model.graph));
    const x = refs.array('input');
    const options = { target: { perImage: refs.json.targets }, layer: method.usesLayer ? refs.json.layer : undefined };
    const first = await method.run(model, x, options);
    const second = await method.run(model, x, options);
    expect(sha(new Uint8Array(first.raw.data.buffer))).toBe(sha(new Uint8Array(second.raw.data.buffer)));
    expect(sha(new Uint8Array(first.map.data.buffer))).toBe(sha(new Uint8Array(second.map.data.buffer)));
    expect(first.raw.data.some((v) => v !== 0)).toBe(true);
    expect(sha(encodeModel(model.graph))).toBe(decodedBefore);
    expect(sha(readFileSync(path))).toBe(fileBefore);
    await model.dispose();
  });
});
