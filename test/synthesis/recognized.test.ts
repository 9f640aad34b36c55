/**
 * Class visualizations of the shapes demo model are what the model sees as that class: each
 * result is classified (top-1) as its class under re-drawn random transformations, checked by
 * plain forward passes of the model.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { loadModel } from '../../src/node/index.js';
import { outputsOf } from '../../src/synthesis/recognized.js';
import { visualize } from '../../src/synthesis/visualize.js';

let model: ConvlensModel;
afterAll(() => model?.dispose());

describe('class visualizations of the shapes model', () => {
  it('are recognized as their class in at least 8 of 10 transformations, for at least 9 of the 10 classes', async () => {
    model = await loadModel('models/shapes.onnx');
    const shares: number[] = [];
    for (let k = 0; k < 10; k++) {
      const r = await visualize(model, `class:${k}+30*prob:${k}`, { steps: 128, seed: k });
      expect(r.recognized!.target).toBe(k);
      expect(r.recognized!.samples).toBe(10);
      shares.push(r.recognized!.share[0]);
      expect(r.warnings.length > 0).toBe(r.recognized!.share[0] < 0.5);
      // The untransformed result, classified by a plain forward pass, agrees for the recognized ones
      // (the shapes model takes [0, 1] pixels as they are).
      if (r.recognized!.share[0] === 1) {
        const x = { data: r.image.data.map((v) => v), shape: r.image.shape };
        const logits = (await outputsOf(model, x)).data;
        expect(logits.indexOf(Math.max(...logits))).toBe(k);
      }
    }
    expect(shares.filter((s) => s >= 0.8).length).toBeGreaterThanOrEqual(9);
  });
});
