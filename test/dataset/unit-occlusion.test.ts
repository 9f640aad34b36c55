/**
 * Unit occlusion masks: occluding pixels outside a unit's receptive field cannot move it, so
 * their drop must be exactly zero, and the mask must sit where occluding lowers the unit most.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDataset } from '../../src/dataset/demo-datasets.js';
import { receptiveField } from '../../src/dataset/receptive-field.js';
import { unitOcclusion } from '../../src/dataset/unit-occlusion.js';
import type { ConvlensModel } from '../../src/engine/model.js';
import { forward } from '../../src/methods/passes.js';
import { loadModel } from '../../src/node/index.js';

let model: ConvlensModel;
beforeAll(async () => { model = await loadModel(new URL('../../models/shapes.onnx', import.meta.url).pathname); });
afterAll(() => model?.dispose());

describe('unitOcclusion', () => {
  it('is zero wherever every covering patch misses the field, and masks the largest drop', async () => {
    const data = demoDataset('shapes', { count: 4, seed: 2 });
    const x = await model.preprocess([await data.load(1)]);
    const layer = 'features.4';
    const tensor = model.resolveLayer(layer);
    const [, , H, W] = x.shape;
    const act = (await forward(model, x, [tensor]))[tensor];
    const [, C, h, w] = act.shape;
    // The channel and position that fire most on this image.
    let best = 0;
    for (let i = 1; i < C * h * w; i++) if (act.data[i] > act.data[best]) best = i;
    const unit = { layer, channel: Math.floor(best / (h * w)), y: Math.floor((best % (h * w)) / w), x: best % w };
    const box = receptiveField(model, layer).box(unit.y, unit.x);
    const occ = await unitOcclusion(model, x, unit, box);
    let inside = 0;
    for (let y = 0; y < H; y++) {
      for (let xx = 0; xx < W; xx++) {
        const far = y <= box.y0 - occ.patch || y >= box.y1 + occ.patch - 1 || xx <= box.x0 - occ.patch || xx >= box.x1 + occ.patch - 1;
        if (far) expect(occ.drop[y * W + xx], `pixel (${y}, ${xx})`).toBe(0);
        if (occ.mask[y * W + xx]) {
          expect(far).toBe(false);
          inside++;
        }
      }
    }
    expect(inside).toBeGreaterThan(0);
    const largest = Math.max(...occ.drop);
    expect(largest).toBeGreaterThan(0);
    expect(occ.mask[occ.drop.indexOf(largest)]).toBe(1);
  }, 60_000);
});
