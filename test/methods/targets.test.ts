/** Targets and layer sets batched into one run give the same numbers as separate calls. */
import { describe, expect, it } from 'vitest';
import { gradCam } from '../../src/methods/grad-cam.js';
import { saliency } from '../../src/methods/saliency.js';
import { readFileSync } from 'node:fs';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';
import { tensorToFloat32 } from '../../src/onnx/tensor.js';
import { loadModel } from '../../src/node/index.js';
import { loadRefs, modelPath } from './refs.js';

const refs = loadRefs('resnet_basic');
const open = () => loadModel(modelPath(refs.json.exports['legacy-dynbatch'].file), { preprocess: 'unit' });
const x = refs.array('input');
const items = (t: { data: Float32Array; shape: number[] }, m: number) => {
  const n = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return Array.from(t.data.subarray(m * n, (m + 1) * n));
};

describe('targets and layers in one run', () => {
  it('several classes per image equal one call per class', async () => {
    const model = await open();
    const both = await gradCam(model, x, { layer: 'layer3', target: [3, 7] });
    expect(both.image).toEqual([0, 0, 1, 1]);
    expect(both.target).toEqual([3, 7, 3, 7]);
    for (const [k, cls] of [3, 7].entries()) {
      const one = await gradCam(model, x, { layer: 'layer3', target: cls });
      for (let i = 0; i < 2; i++) {
        const a = items(both.raw, i * 2 + k);
        const b = items(one.raw, i);
        a.forEach((v, j) => expect(v).toBeCloseTo(b[j], 5));
      }
    }
  });

  it('several layers from one backward pass equal separate calls, and top1 picks the argmax', async () => {
    const model = await open();
    const multi = await gradCam(model, x, { layer: ['layer3', 'layer4'], target: { perImage: [3, 7] } });
    const gradcamRef = refs.array('gradcam');
    multi.layers[1].raw.data.forEach((v, i) => expect(v).toBeCloseTo(gradcamRef.data[i], 4));
    const l3 = await gradCam(model, x, { layer: 'layer3', target: { perImage: [3, 7] } });
    expect(Array.from(multi.layers[0].raw.data)).toEqual(Array.from(l3.raw.data));
    expect(multi.layers[0].map.shape).toEqual([2, 64, 64]);
    const top = await saliency(model, x, {});
    const logits = refs.array('logits');
    const argmax = [0, 1].map((i) => items(logits, i).reduce((best, v, c, row) => (v > row[best] ? c : best), 0));
    expect(top.target).toEqual(argmax);
    const explicit = await saliency(model, x, { target: { perImage: argmax } });
    expect(Array.from(top.raw.data)).toEqual(Array.from(explicit.raw.data));
  });

  it('class names, the sum of all outputs, and a chosen output', async () => {
    const labels = Array.from({ length: 10 }, (_, i) => `class ${i}`);
    const model = await loadModel(modelPath(refs.json.exports['legacy-dynbatch'].file), { preprocess: 'unit', labels });
    const byName = await saliency(model, x, { target: 'class 7' });
    const byIndex = await saliency(model, x, { target: 7 });
    expect(Array.from(byName.raw.data)).toEqual(Array.from(byIndex.raw.data));
    await expect(saliency(model, x, { target: 'class 77' })).rejects.toMatchObject({ code: 'BAD_TARGET', message: expect.stringMatching(/closest: "class 7"/) });
    const sum = await saliency(model, x, { target: 'sum' });
    const ones = await saliency(model, x, { target: { weights: new Array(10).fill(1) } });
    expect(Array.from(sum.raw.data)).toEqual(Array.from(ones.raw.data));
    expect(sum.target).toEqual([null, null]);

    // A second output: the pooled features feeding fc. Since logits = W pooled + b, weighting the
    // pooled output by row c of W must give the gradient of logit c.
    const decoded = decodeModel(new Uint8Array(readFileSync(modelPath(refs.json.exports['legacy-dynbatch'].file))));
    const fc = decoded.graph.nodes.find((n) => n.opType === 'Gemm')!;
    const pooled = fc.inputs[0];
    const two = await loadModel(encodeModel({ ...decoded, graph: { ...decoded.graph, outputs: [...decoded.graph.outputs, { name: pooled, elemType: 1, shape: null }] } }), { preprocess: 'unit' });
    const W = tensorToFloat32(decoded.graph.initializers.get(fc.inputs[1])!);
    const width = W.length / 10;
    const row = Array.from(W.subarray(7 * width, 8 * width));
    const viaPooled = await saliency(two, x, { output: pooled, target: { weights: row } });
    viaPooled.raw.data.forEach((v, i) => expect(v).toBeCloseTo(byIndex.raw.data[i], 5));
    await expect(saliency(two, x, { output: 'nope', target: 0 })).rejects.toMatchObject({ code: 'BAD_OPTION' });
  });
});
