/**
 * Embeddings of the shapes demo model: classes separate in 2-D at the penultimate layer
 * (most of each image's 10 nearest neighbours share its class, as in the feature space),
 * pooled features equal a hand average of one forward pass, UMAP repeats byte for byte with
 * its seed, and bad input is refused with a clear error.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDataset } from '../../src/dataset/demo-datasets.js';
import { classPurity, embedFeatures, featureSpace, nearestNeighbours, neighbourPreservation } from '../../src/dataset/embedding.js';
import { pooledFeatures, type PooledFeatures } from '../../src/dataset/pooled-features.js';
import type { ConvlensModel } from '../../src/engine/model.js';
import { ConvlensError } from '../../src/errors.js';
import { forward } from '../../src/methods/passes.js';
import { loadModel } from '../../src/node/index.js';

const data = demoDataset('shapes', { count: 1000, seed: 5 });
let model: ConvlensModel;
let features: PooledFeatures;
beforeAll(async () => {
  model = await loadModel(new URL('../../models/shapes.onnx', import.meta.url).pathname);
  features = await pooledFeatures(model, data, 'avgpool', { batchSize: 64 });
}, 60_000);
afterAll(() => model?.dispose());

describe('embedding of the shapes model', () => {
  it('pools a layer as the mean over positions of a direct forward pass', async () => {
    const tensor = model.resolveLayer('features.7');
    const some = [0, 7, 299];
    const pooled = await pooledFeatures(model, { ...data, entries: data.entries.slice(0, 300) }, 'features.7', { batchSize: 128 });
    const out = await forward(model, await model.preprocess(await Promise.all(some.map((i) => data.load(i)))), [tensor]);
    const [, C, h, w] = out[tensor].shape;
    some.forEach((img, k) => {
      for (const c of [0, 13, C - 1]) {
        const plane = out[tensor].data.subarray((k * C + c) * h * w, (k * C + c + 1) * h * w);
        const mean = plane.reduce((a, b) => a + b, 0) / (h * w);
        expect(pooled.values[img * C + c]).toBeCloseTo(mean, 4);
      }
    });
  }, 60_000);

  it('puts most of each image\'s neighbours in its own class, in 2-D as in the feature space', () => {
    const labels = data.entries.map((e) => e.label!);
    const space = featureSpace(features.values, features.dims);
    const xy = embedFeatures(features.values, features.dims, { method: 'umap', seed: 2 });
    const purity = classPurity(xy, labels);
    const preservation = neighbourPreservation(space, features.dims, xy);
    // Reference: the same purity measured by brute force among the features' own neighbours.
    const high = nearestNeighbours(space, features.dims, 10);
    const featurePurity = high.reduce((s, l, i) => s + l.filter((j) => labels[j] === labels[i]).length, 0) / (labels.length * 10);
    console.log(`shapes avgpool, ${labels.length} images, UMAP seed 2: 2-D class purity ${purity.toFixed(3)}, `
      + `feature-space class purity ${featurePurity.toFixed(3)}, neighbour preservation ${preservation.toFixed(3)}`);
    // Ten balanced classes: 0.1 is chance.
    expect(featurePurity).toBeGreaterThan(0.7);
    expect(purity).toBeGreaterThan(0.8);
    // A label-blind shuffle of the same picture falls to chance: the purity measures the classes.
    const shuffled = labels.map((_, i) => labels[(i * 7919) % labels.length]);
    expect(classPurity(xy, shuffled)).toBeLessThan(0.2);
    expect(preservation).toBeGreaterThan(0.3);
    const tsneXy = embedFeatures(features.values, features.dims, { method: 'tsne', seed: 2 });
    const tsnePurity = classPurity(tsneXy, labels);
    console.log(`t-SNE seed 2: 2-D class purity ${tsnePurity.toFixed(3)}, neighbour preservation ${neighbourPreservation(space, features.dims, tsneXy).toFixed(3)}`);
    expect(tsnePurity).toBeGreaterThan(0.8);
  }, 300_000);

  it('repeats UMAP byte for byte with the same seed and changes with another', () => {
    const a = embedFeatures(features.values, features.dims, { seed: 9 });
    const b = embedFeatures(features.values, features.dims, { seed: 9 });
    const c = embedFeatures(features.values, features.dims, { seed: 10 });
    expect(Buffer.from(a.buffer)).toEqual(Buffer.from(b.buffer));
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
  }, 120_000);

  it('refuses an unknown layer and too few images', async () => {
    await expect(pooledFeatures(model, data, 'no.such.layer')).rejects.toMatchObject({ code: 'UNKNOWN_LAYER' });
    const few = features.values.subarray(0, features.dims * 5);
    expect(() => embedFeatures(few, features.dims)).toThrow(ConvlensError);
    expect(() => embedFeatures(few, features.dims)).toThrow(/at least 12 images/);
    expect(() => embedFeatures(features.values, features.dims, { method: 'mds' as 'pca' })).toThrow(/"umap", "tsne" or "pca"/);
  });
});
