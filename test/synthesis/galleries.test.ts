/**
 * Gallery figures: each item equals the same visualization run alone, regularizers do what
 * they penalize, and the figure lays the items out with their captions.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { loadModel } from '../../src/node/index.js';
import { galleryFigure, itemCaption } from '../../src/render/synthesis/synthesis-figures.js';
import { visualizeClasses, visualizeRegularizers } from '../../src/synthesis/galleries.js';
import { visualize } from '../../src/synthesis/visualize.js';

let model: ConvlensModel;
afterAll(() => model?.dispose());

const distanceFromGrey = (d: Float32Array, p: 1 | 2) => d.reduce((a, v) => a + Math.abs(v - 0.5) ** p, 0) / d.length;

describe('synthesis galleries', () => {
  it('run each class as visualize would alone, and caption it with its recognized share', async () => {
    model = await loadModel('models/shapes.onnx');
    const items = await visualizeClasses(model, [3, 5], { steps: 12, seed: 40 });
    const alone = await visualize(model, 'class:5+30*prob:5', { steps: 12, seed: 41 });
    expect(Buffer.from(items[1].result.image.data.buffer).equals(Buffer.from(alone.image.data.buffer))).toBe(true);
    expect(items.map((it) => it.label)).toEqual(['star', 'ring']);
    expect(itemCaption(items[1])).toBe(`ring ${Math.round(alone.recognized!.share[0] * 100)}%`);
    const figure = galleryFigure(items);
    // Two 32 x 32 images enlarged 5x side by side, with padding and a caption band.
    expect(figure.width).toBe(2 * 160 + 3 * 4);
    expect(figure.height).toBeGreaterThan(160);
  });

  it('L1 and L2 pull the image towards grey in their own sense', async () => {
    model ??= await loadModel('models/shapes.onnx');
    const [none, l1, l2] = await visualizeRegularizers(model, 'channel:features.4:3', { l1: 40, l2: 400 }, { steps: 48, param: 'pixels', seed: 2 });
    expect(distanceFromGrey(l1.result.image.data, 1)).toBeLessThan(distanceFromGrey(none.result.image.data, 1));
    expect(distanceFromGrey(l2.result.image.data, 2)).toBeLessThan(distanceFromGrey(none.result.image.data, 2));
    expect([none.label, l1.label, l2.label]).toEqual(['none', 'L1 40', 'L2 400']);
  });
});
