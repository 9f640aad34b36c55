/** Targets and layer sets batched into one run give the same numbers as separate calls. */
import { describe, expect, it } from 'vitest';
import { gradCam } from '../../src/methods/cam.js';
import { saliency } from '../../src/methods/gradients.js';
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
});
