/** Chunked runs (memory budget, fixed-batch models padded) give the same numbers as one run. */
import { describe, expect, it } from 'vitest';
import { MiB } from '../../src/engine/runtime.js';
import { saliency } from '../../src/methods/saliency.js';
import { loadModel } from '../../src/node/index.js';
import { loadRefs, modelPath } from '../methods/refs.js';

const refs = loadRefs('resnet_basic');
const x2 = refs.array('input');
/** Three items: the two fixture inputs and their mean. */
const x3 = (() => {
  const n = x2.data.length / 2;
  const data = new Float32Array(3 * n);
  data.set(x2.data);
  for (let i = 0; i < n; i++) data[2 * n + i] = (x2.data[i] + x2.data[n + i]) / 2;
  return { data, shape: [3, ...x2.shape.slice(1)] };
})();

describe('batching', () => {
  it('splits a batch under the memory budget without changing the numbers', async () => {
    const whole = await loadModel(modelPath(refs.json.exports['legacy-dynbatch'].file));
    const small = await loadModel(modelPath(refs.json.exports['legacy-dynbatch'].file), { memoryBudget: 0.35 * MiB });
    expect(small.engine.chunkSize([3, 64, 64], 3, 3)).toBe(1);
    const progress: number[] = [];
    const a = await saliency(whole, x3, { target: 5 });
    const b = await saliency(small, x3, { target: 5, onProgress: (done) => progress.push(done) });
    expect(progress).toEqual([1, 2, 3]);
    a.raw.data.forEach((v, i) => expect(b.raw.data[i]).toBeCloseTo(v, 6));
  });

  it('pads the last chunk of a fixed-batch model', async () => {
    const fixed = await loadModel(modelPath(refs.json.exports.legacy.file));
    const free = await loadModel(modelPath(refs.json.exports['legacy-dynbatch'].file));
    expect(fixed.engine.fixedBatch).toBe(2);
    const a = await saliency(fixed, x3, { target: { perImage: [3, 7, 1] } });
    const b = await saliency(free, x3, { target: { perImage: [3, 7, 1] } });
    expect(a.raw.shape).toEqual([3, 3, 64, 64]);
    a.raw.data.forEach((v, i) => expect(b.raw.data[i]).toBeCloseTo(v, 6));
  });

  it('stops at an aborted signal', async () => {
    const model = await loadModel(modelPath(refs.json.exports['legacy-dynbatch'].file));
    const controller = new AbortController();
    controller.abort();
    await expect(saliency(model, x2, { target: 1, signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});
