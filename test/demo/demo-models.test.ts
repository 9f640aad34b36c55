/**
 * The committed demo models (models/*.onnx, made by `npm run train:demo`) tell the stories
 * the demo tells, measured on freshly generated test scenes whose seeds no recipe trains on:
 * the shortcut model learned the weather, the fixed one the tank (by accuracy, and by where
 * its Grad-CAM points); the obstacle model reads the sensors far better than a constant; the
 * shapes model knows its shapes. The models open with `loadModel(path)` and no options.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';
import { meanAttributionShareInBoxes } from '../../src/demo/box-share.js';
import { gradCam } from '../../src/methods/grad-cam.js';
import { forward } from '../../src/methods/passes.js';
import { loadModel } from '../../src/node/index.js';
import { obstacleDataset, shapeClassNames, shapesDataset, tankDataset, toTensor, type TankDataset } from '../../src/demo/scenes/index.js';
import { argmaxRow } from '../../src/numeric/softmax.js';
import { demoRecipes } from '../../tools/demo-models/recipes.js';

const path = (name: string) => fileURLToPath(new URL(`../../models/${name}.onnx`, import.meta.url));
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
/** Test scenes come from seeds 2001 and up; the recipes train on theirs, checked below. */
const TEST_SEED = 2001;

async function outputs(model: ConvlensModel, images: RgbImage[]): Promise<{ data: Float32Array; k: number }> {
  const y = (await forward(model, await model.preprocess(images), [model.outputName]))[model.outputName];
  return { data: y.data, k: y.shape[1] };
}

async function accuracy(model: ConvlensModel, data: { images: RgbImage[]; labels: number[] }): Promise<number> {
  const { data: scores, k } = await outputs(model, data.images);
  return mean(data.labels.map((label, i) => (argmaxRow(scores, i, k) === label ? 1 : 0)));
}

const opened: ConvlensModel[] = [];
async function open(name: string): Promise<ConvlensModel> {
  const model = await loadModel(path(name));
  opened.push(model);
  return model;
}
afterAll(async () => { await Promise.all(opened.map((m) => m.dispose())); });

describe('the demo model files', () => {
  it('are small, and trained on seeds the tests do not use', () => {
    const sizes = demoRecipes.map((r) => statSync(path(r.name)).size);
    expect(Math.max(...sizes)).toBeLessThan(512 * 1024);
    expect(sizes.reduce((a, b) => a + b, 0)).toBeLessThan(1024 * 1024);
    expect(demoRecipes.map((r) => r.seed).every((seed) => seed < TEST_SEED)).toBe(true);
  });

  it('carry their labels, input size and preprocessing, and name layers by module path', async () => {
    const tank = await open('tank-fixed');
    expect(tank.labels).toEqual(['no tank', 'tank']);
    expect(tank.itemShape).toEqual([3, 64, 64]);
    expect(tank.layers.map((l) => l.module)).toEqual([
      'features.0', 'features.1', 'features.2', 'features.3', 'features.4', 'features.5',
      'features.6', 'features.7', 'features.8', 'features.9', 'features.10', 'avgpool', null, 'fc',
    ]);
    expect(tank.layers.find((l) => l.module === 'features.10')!.shape).toEqual([1, 32, 8, 8]);
    // 'unit' preprocessing of a picture of the input size is exactly the training tensor.
    const scenes = tankDataset({ split: 'balanced', count: 2, seed: TEST_SEED, size: 64 }).images;
    expect(Array.from((await tank.preprocess(scenes)).data)).toEqual(Array.from(toTensor(scenes).data));

    const obstacle = await open('obstacle-sensors');
    expect(obstacle.itemShape).toEqual([3, 48, 48]);
    expect(obstacle.labels).toHaveLength(8);
    expect(obstacle.labels![0]).toBe('sensor 1 (left)');
    const shapes = await open('shapes');
    expect(shapes.labels).toEqual([...shapeClassNames]);
    expect(shapes.itemShape).toEqual([3, 32, 32]);
  });
});

describe('the tank models', () => {
  let shortcut: ConvlensModel;
  let fixed: ConvlensModel;
  let biased: TankDataset;
  let balanced: TankDataset;
  beforeAll(async () => {
    [shortcut, fixed] = await Promise.all([open('tank-shortcut'), open('tank-fixed')]);
    biased = tankDataset({ split: 'biased', count: 160, seed: TEST_SEED + 1, size: 64 });
    balanced = tankDataset({ split: 'balanced', count: 160, seed: TEST_SEED + 2, size: 64 });
  });

  it('shortcut: right on the biased split (>= 90 %), near chance where the sky says nothing (35-65 %)', async () => {
    expect(await accuracy(shortcut, biased)).toBeGreaterThanOrEqual(0.9);
    expect(await accuracy(shortcut, balanced)).toBeGreaterThanOrEqual(0.35);
    expect(await accuracy(shortcut, balanced)).toBeLessThanOrEqual(0.65);
  });

  it('fixed: right on both splits (>= 85 %)', async () => {
    expect(await accuracy(fixed, biased)).toBeGreaterThanOrEqual(0.85);
    expect(await accuracy(fixed, balanced)).toBeGreaterThanOrEqual(0.85);
  });

  it("Grad-CAM of 'tank' on the last conv puts far more mass in the tank's box for the fixed model", async () => {
    const tanks = balanced.labels.flatMap((label, i) => (label === 1 ? [i] : []));
    const boxes = tanks.map((i) => balanced.boxes[i]);
    const share = async (model: ConvlensModel) => {
      const cam = await gradCam(model, await model.preprocess(tanks.map((i) => balanced.images[i])), { layer: 'features.10', target: 'tank' });
      return meanAttributionShareInBoxes(cam.map, boxes);
    };
    const [fixedShare, shortcutShare] = [await share(fixed), await share(shortcut)];
    // A map spread evenly would put about this much in the boxes.
    const area = mean(boxes.map((b) => (b!.width * b!.height) / (64 * 64)));
    expect(fixedShare).toBeGreaterThan(2 * area);
    expect(fixedShare).toBeGreaterThanOrEqual(2 * shortcutShare);
    expect(fixedShare - shortcutShare).toBeGreaterThanOrEqual(0.25);
  });
});

describe('the obstacle model', () => {
  it("reads all 8 sensors with less than 0.6 x the error of always predicting the mean reading", async () => {
    const model = await open('obstacle-sensors');
    const data = obstacleDataset({ count: 300, seed: TEST_SEED + 3, size: 48, sameColourFraction: 0.5 });
    const { data: predicted, k } = await outputs(model, data.images);
    expect(k).toBe(8);
    const meanReading = Array.from({ length: k }, (_, s) => mean(data.sensors.map((row) => row[s])));
    const error = mean(data.sensors.flatMap((row, i) => row.map((t, s) => Math.abs(predicted[i * k + s] - t))));
    const baseline = mean(data.sensors.flatMap((row) => row.map((t, s) => Math.abs(meanReading[s] - t))));
    expect(baseline).toBeGreaterThan(0.1);
    expect(error).toBeLessThan(0.6 * baseline);
  });
});

describe('the shapes model', () => {
  it('names at least 60 % of test shapes right (chance: 10 %)', async () => {
    const model = await open('shapes');
    expect(await accuracy(model, shapesDataset({ count: 500, seed: TEST_SEED + 4, size: 32 }))).toBeGreaterThanOrEqual(0.6);
  });
});
