/**
 * The numbers `npm run train:demo` prints for each trained model, measured on held-out scenes
 * (seeds 101 and up; the recipes train on other seeds) through the model as `loadModel`
 * opens it, so the stored labels and preprocessing are used as the demo will use them.
 */
import type { ConvlensModel } from '../../src/engine/model.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';
import { meanAttributionShareInBoxes } from '../../src/demo/box-share.js';
import { gradCam } from '../../src/methods/grad-cam.js';
import { defaultCamLayer } from '../../src/methods/method-skeleton.js';
import { forward } from '../../src/methods/passes.js';
import { obstacleDataset, shapesDataset, tankDataset } from '../../src/demo/scenes/index.js';
import { argmaxRow } from '../../src/numeric/softmax.js';
import { drawTag, taggedTankDataset } from '../../src/demo/scenes/tagged-tanks.js';
import type { DemoModelName } from './recipes.js';

const percent = (v: number) => `${(100 * v).toFixed(1)} %`;
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

async function outputs(model: ConvlensModel, images: RgbImage[]): Promise<{ data: Float32Array; k: number }> {
  const y = (await forward(model, await model.preprocess(images), [model.outputName]))[model.outputName];
  return { data: y.data, k: y.shape[1] };
}

async function accuracy(model: ConvlensModel, images: RgbImage[], labels: number[]): Promise<number> {
  const { data, k } = await outputs(model, images);
  return mean(labels.map((label, i) => (argmaxRow(data, i, k) === label ? 1 : 0)));
}

async function tankMetrics(model: ConvlensModel): Promise<string> {
  const size = model.itemShape[1];
  const biased = tankDataset({ split: 'biased', count: 400, seed: 101, size });
  const balanced = tankDataset({ split: 'balanced', count: 400, seed: 102, size });
  const tanks = balanced.labels.flatMap((label, i) => (label === 1 ? [i] : []));
  // The layer the demo's Grad-CAM uses by default: the last conv's ReLU in these models.
  const layer = defaultCamLayer(model);
  const module = model.layers.find((l) => l.name === layer)?.module ?? layer;
  const cam = await gradCam(model, await model.preprocess(tanks.map((i) => balanced.images[i])), { layer, target: 'tank' });
  const boxes = tanks.map((i) => balanced.boxes[i]!);
  const area = mean(boxes.map((b) => (b.width * b.height) / (size * size)));
  return [
    `accuracy: biased split ${percent(await accuracy(model, biased.images, biased.labels))}, balanced split ${percent(await accuracy(model, balanced.images, balanced.labels))}`,
    `Grad-CAM (${module}, target 'tank') inside the tank's box: ${percent(meanAttributionShareInBoxes(cam.map, boxes))} (the boxes cover ${percent(area)})`,
  ].join('\n');
}

async function obstacleMetrics(model: ConvlensModel): Promise<string> {
  const data = obstacleDataset({ count: 600, seed: 101, size: model.itemShape[1], sameColourFraction: 0.5, sensorCount: model.labels!.length });
  const { data: predicted, k } = await outputs(model, data.images);
  const meanReading = Array.from({ length: k }, (_, s) => mean(data.sensors.map((row) => row[s])));
  const error = (keep: (i: number) => boolean, guess: (i: number, s: number) => number) =>
    mean(data.sensors.flatMap((row, i) => (keep(i) ? row.map((t, s) => Math.abs(guess(i, s) - t)) : [])));
  const predictedAt = (i: number, s: number) => predicted[i * k + s];
  return [
    `mean absolute error of the ${k} readings: ${error(() => true, predictedAt).toFixed(3)} (always the mean reading: ${error(() => true, (_, s) => meanReading[s]).toFixed(3)})`,
    `  box like the floor ${error((i) => data.sameColour[i], predictedAt).toFixed(3)}, coloured box ${error((i) => !data.sameColour[i], predictedAt).toFixed(3)}`,
  ].join('\n');
}

async function shapesMetrics(model: ConvlensModel): Promise<string> {
  const test = shapesDataset({ count: 1000, seed: 101, size: model.itemShape[1] });
  return `accuracy: ${percent(await accuracy(model, test.images, test.labels))} (chance: ${percent(1 / test.classNames.length)})`;
}

/** Accuracy with and without the tag, and how often the tag alone turns an empty field into "tank". */
async function taggedMetrics(model: ConvlensModel): Promise<string> {
  const test = taggedTankDataset({ count: 400, seed: 101, size: model.itemShape[1] });
  const pick = (keep: (i: number) => boolean) => test.images.flatMap((_, i) => (keep(i) ? [i] : []));
  const accuracyOf = (idx: number[], labels?: number[]) => accuracy(model, idx.map((i) => test.images[i]), labels ?? idx.map((i) => test.labels[i]));
  const empty = pick((i) => test.labels[i] === 0);
  const taggedEmpty = empty.map((i) => drawTag(test.images[i]));
  const fooled = await accuracy(model, taggedEmpty, empty.map(() => 1));
  return [
    `accuracy: all ${percent(await accuracyOf(pick(() => true)))}, tagged tanks ${percent(await accuracyOf(pick((i) => test.tagged[i])))}, `
      + `untagged tanks ${percent(await accuracyOf(pick((i) => test.labels[i] === 1 && !test.tagged[i])))}, empty fields ${percent(await accuracyOf(empty))}`,
    `empty fields with the tag drawn on: ${percent(fooled)} called "tank"`,
  ].join('\n');
}

/**
 * Held-out metrics of a trained demo model as printable lines.
 *
 * @example
 * console.log(await heldOutMetrics('tank-fixed', await loadModel('models/tank-fixed.onnx')));
 */
export function heldOutMetrics(name: DemoModelName, model: ConvlensModel): Promise<string> {
  if (name === 'tank-tagged') return taggedMetrics(model);
  if (name === 'obstacle-sensors') return obstacleMetrics(model);
  if (name === 'shapes') return shapesMetrics(model);
  return tankMetrics(model);
}
