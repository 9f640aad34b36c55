/**
 * Grad-CAM's maps, computed in the gradient graph, against the same arithmetic done apart:
 * full gradients and activations from a plain backward pass, weighted and summed, upsampled
 * tap by tap and scaled in JavaScript.
 */
import { describe, expect, it } from 'vitest';
import { resizeMap } from '../../src/image/resize.js';
import { gradCam, gradCamRule } from '../../src/methods/grad-cam.js';
import { normalizeItemsInPlace } from '../../src/methods/maps.js';
import { backward } from '../../src/methods/passes.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { loadModel } from '../../src/node/index.js';
import { expectClose, loadRefs, modelPath } from './refs.js';

/** The map a CAM of `[M, h, w]` gets: each item resampled to `H x W` and scaled to [0, 1]. */
function mapOf(raw: FloatTensor, H: number, W: number): FloatTensor {
  const [M, h, w] = raw.shape;
  const data = new Float32Array(M * H * W);
  for (let m = 0; m < M; m++) data.set(resizeMap(raw.data.subarray(m * h * w, (m + 1) * h * w), h, w, H, W), m * H * W);
  return normalizeItemsInPlace({ data, shape: [M, H, W] });
}

describe('Grad-CAM computed in the gradient graph', () => {
  // Opsets 13 to 18 (ReduceMin's axes move to an input at 18); several classes per image share
  // one forward pass on the dynamic-batch export, so the layer's activations are repeated. The
  // last column counts items whose map is flat (all zero after the ReLU), which must stay all zero.
  it.each([
    ['resnet_basic', 'legacy-dynbatch', [1, 4, 6], 2],
    ['densenet', 'dynamo', 2, 0],
    ['mobilenet_v3', 'legacy', 'top1', 0],
    ['tiny_cnn', 'legacy', { perImage: [0, 1] }, 0],
  ] as const)('%s (%s), target %j: raw and map equal the arithmetic done apart', async (name, exporter, target, flatItems) => {
    const refs = loadRefs(name);
    const model = await loadModel(modelPath(refs.json.exports[exporter].file), { preprocess: 'unit' });
    try {
      const x = refs.array('input');
      const [H, W] = model.itemShape.slice(1);
      const spatial = model.layers.filter((l) => l.shape.length === 4 && l.shape[2] > 1).map((l) => l.name);
      const layers = [refs.json.layer, spatial[Math.floor(spatial.length / 2)]];
      const cam = await gradCam(model, x, { layer: layers, target: target as never });
      let flat = 0;
      for (const [k, layer] of layers.entries()) {
        const tensor = model.resolveLayer(layer);
        const apart = await backward(model, x, { target: target as never, wrt: [tensor], taps: [tensor] });
        const raw = gradCamRule(apart.taps[tensor], apart.gradients[tensor]);
        const got = cam.layers[k];
        expect(got.layer).toBe(layer);
        expectClose(got.raw, raw, 1e-5, `${layer} raw`);
        const expected = mapOf(raw, H, W);
        expect(got.map.shape).toEqual(expected.shape);
        let worst = 0;
        got.map.data.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - expected.data[i])); });
        expect(worst, `${layer} map`).toBeLessThan(1e-5);
        const plane = H * W;
        for (let m = 0; m < expected.shape[0]; m++) {
          if (!expected.data.subarray(m * plane, (m + 1) * plane).every((v) => v === 0)) continue;
          flat++;
          expect(got.map.data.subarray(m * plane, (m + 1) * plane).every((v) => v === 0), `${layer} item ${m} is flat`).toBe(true);
        }
        expect(cam.target).toEqual(apart.targets.target);
      }
      expect(cam.raw).toBe(cam.layers[0].raw);
      expect(flat).toBe(flatItems);
    } finally {
      await model.dispose();
    }
  });
});
