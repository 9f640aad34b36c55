/** Deep dream raises its layer's mean squared activation at every octave and keeps the picture's size. */
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { shapeScene } from '../../src/demo/scenes/index.js';
import { deepDream } from '../../src/synthesis/deep-dream.js';
import { objectiveGradient } from '../../src/synthesis/objective-graph.js';
import { resolveObjective } from '../../src/synthesis/objectives.js';
import { anySizeShapesModel } from './shapes-variants.js';

let model: ConvlensModel;
afterAll(() => model?.dispose());

describe('deep dream on the shapes model', () => {
  it('raises the layer L2 at every octave and returns a picture of the input size', async () => {
    model = await anySizeShapesModel();
    const picture = shapeScene(4, { shape: 'star', size: 48 });
    const dream = await deepDream(model, { ...picture, data: picture.data.slice(0, 48 * 40 * 3), width: 48, height: 40 }, { layer: 'features.4', octaves: 3, steps: 10, seed: 1 });
    expect(dream.octaves.map((o) => o.size)).toEqual([[20, 24], [29, 34], [40, 48]]);
    for (const o of dream.octaves) expect(o.after).toBeGreaterThan(o.before);
    expect([dream.picture.width, dream.picture.height]).toEqual([48, 40]);
    expect(dream.image.shape).toEqual([1, 3, 40, 48]);
    // The reported final value is the layer's mean square on the returned image (the shapes model takes [0, 1] pixels as they are).
    const terms = resolveObjective(model, 'layer:features.4', [3, 40, 48]);
    const { values } = await objectiveGradient(model, terms, dream.image);
    expect(values[0]).toBeCloseTo(dream.octaves[2].after, 4);
    // The picture changed, but stayed a picture: values in [0, 1].
    expect(dream.image.data.every((v) => v >= 0 && v <= 1)).toBe(true);
  });
});
