/**
 * Model parameter randomization on the shapes demo model: maps that depend on the learned
 * weights (gradient saliency, Grad-CAM) lose their rank order when every layer is randomized;
 * an "explanation" that never looks at the model (an edge detector on the input) keeps it
 * and is flagged. The user's model is never modified, and a seed fixes every random weight.
 */
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { evaluate } from '../../src/evaluate/evaluate.js';
import { modelRandomization, type Explainer } from '../../src/evaluate/randomization.js';
import { randomizedModel, weightLayers } from '../../src/evaluate/randomized-model.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { gradCam } from '../../src/methods/grad-cam.js';
import { saliency } from '../../src/methods/saliency.js';
import { forward } from '../../src/methods/passes.js';
import { argmaxRow } from '../../src/numeric/softmax.js';
import { loadModel } from '../../src/node/index.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { shapesDataset } from '../../src/demo/scenes/index.js';

const shapesPath = fileURLToPath(new URL('../../models/shapes.onnx', import.meta.url));
const sha = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Sobel gradient magnitude of the input, summed over channels: it never asks the model anything. */
const edges: Explainer = async (_model, x) => {
  const [N, C, H, W] = x.shape;
  const out = new Float32Array(N * H * W);
  const at = (n: number, c: number, y: number, xx: number) => x.data[((n * C + c) * H + Math.min(H - 1, Math.max(0, y))) * W + Math.min(W - 1, Math.max(0, xx))];
  for (let n = 0; n < N; n++) for (let c = 0; c < C; c++) for (let y = 0; y < H; y++) for (let xx = 0; xx < W; xx++) {
    const gx = at(n, c, y - 1, xx + 1) + 2 * at(n, c, y, xx + 1) + at(n, c, y + 1, xx + 1) - at(n, c, y - 1, xx - 1) - 2 * at(n, c, y, xx - 1) - at(n, c, y + 1, xx - 1);
    const gy = at(n, c, y + 1, xx - 1) + 2 * at(n, c, y + 1, xx) + at(n, c, y + 1, xx + 1) - at(n, c, y - 1, xx - 1) - 2 * at(n, c, y - 1, xx) - at(n, c, y - 1, xx + 1);
    out[(n * H + y) * W + xx] += Math.hypot(gx, gy);
  }
  return { data: out, shape: [N, H, W] };
};

describe('model parameter randomization on the shapes model', () => {
  let model: ConvlensModel;
  let x: FloatTensor;
  let target: { perImage: number[] };
  let graphBefore: string;
  beforeAll(async () => {
    model = await loadModel(shapesPath);
    graphBefore = sha(encodeModel(model.onnxModel));
    x = await model.preprocess(shapesDataset({ count: 8, seed: 2001 }).images);
    // The trained model's classes, kept fixed while the weights change.
    const scores = (await forward(model, x, [model.outputName]))[model.outputName];
    target = { perImage: Array.from({ length: 8 }, (_, n) => argmaxRow(scores.data, n, scores.shape[1])) };
  });
  afterAll(async () => {
    expect(sha(encodeModel(model.onnxModel)), 'the user model is unchanged').toBe(graphBefore);
    await model?.dispose();
  });

  it('lists the layers with weights in execution order', () => {
    expect(weightLayers(model).map((l) => l.name)).toEqual(['features.0', 'features.3', 'features.6', 'fc']);
  });

  it('gradient saliency and Grad-CAM lose their rank order; neither is flagged', async () => {
    for (const [label, explain] of [
      ['saliency', async (m, xs) => (await saliency(m, xs, { target })).map],
      ['gradcam', async (m, xs) => (await gradCam(m, xs, { target })).map],
    ] as [string, Explainer][]) {
      const r = await modelRandomization(model, x, explain, { seed: 1 });
      expect(r.layers).toEqual(['fc', 'features.6', 'features.3', 'features.0']);
      expect(r.finalCorrelation, `${label} after randomizing all layers`).toBeLessThan(0.5);
      expect(r.insensitive, label).toBe(false);
      expect(r.independent).toHaveLength(4);
    }
  });

  it('an edge detector on the input keeps rank correlation 1 and is flagged insensitive to the model', async () => {
    const e = await evaluate(model, x, edges, 'randomization', { seed: 1 });
    expect(e.insensitive).toBe(true);
    expect(e.scores[0].name).toBe('MPRT rank correlation');
    expect(e.scores[0].mean).toBeCloseTo(1, 12);
    expect(e.curves.map((c) => c.name)).toEqual(['cascading randomization', 'independent randomization']);
  });

  it('a seed fixes the random weights: same seed, same bytes; another seed, other weights', async () => {
    const layers = weightLayers(model);
    const weightsOf = (m: ConvlensModel) => sha(encodeModel(m.onnxModel));
    const a = randomizedModel(model, layers.slice(-2), 5);
    const b = randomizedModel(model, layers.slice(-2), 5);
    const c = randomizedModel(model, layers.slice(-2), 6);
    expect(weightsOf(a)).toBe(weightsOf(b));
    expect(weightsOf(c)).not.toBe(weightsOf(a));
    // Untouched layers keep the trained bytes; randomized ones keep their scale.
    const trained = model.onnxModel.graph.initializers;
    expect(a.onnxModel.graph.initializers.get('features.0.weight')).toBe(trained.get('features.0.weight'));
    expect(a.onnxModel.graph.initializers.get('fc.weight')).not.toBe(trained.get('fc.weight'));
    await Promise.all([a.dispose(), b.dispose(), c.dispose()]);
    const explain: Explainer = async (m, xs) => (await saliency(m, xs, { target })).raw;
    const r1 = await modelRandomization(model, x, explain, { seed: 2, layers: 2, independent: false });
    const r2 = await modelRandomization(model, x, explain, { seed: 2, layers: 2, independent: false });
    expect(r2).toEqual(r1);
    expect(r1.cascading).toHaveLength(2);
  });
});
