/**
 * The recipes of the demo models: the generated scenes each learns from, its
 * architecture and its training schedule. One seed per recipe fixes the scenes, the initial
 * weights and the batch order, so training again gives the same bytes. Each model trains in
 * about a minute on two CPU cores.
 */
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { obstacleDataset, shapeClassNames, shapesDataset, tankDataset, toTensor } from '../../src/demo/scenes/index.js';
import { taggedTankDataset } from '../../src/demo/scenes/tagged-tanks.js';
import type { SmallCnnOptions } from '../../src/train/architectures.js';
import type { TrainOptions } from '../../src/train/trainer.js';

export type DemoModelName = 'tank-shortcut' | 'tank-fixed' | 'obstacle-sensors' | 'shapes' | 'tank-tagged';

export interface DemoRecipe {
  name: DemoModelName;
  /** What the model shows in the demo, printed while training. */
  purpose: string;
  /** Seeds the training scenes, the initial weights and the batch order. Held-out sets use other seeds. */
  seed: number;
  architecture: Omit<SmallCnnOptions, 'seed'>;
  /** Class names, or the names of the regression outputs. */
  labels: string[];
  /** Generates the training set, inputs in [0, 1] ('unit' preprocessing). */
  data(seed: number): { x: FloatTensor; y: Float32Array };
  training: Pick<TrainOptions, 'loss' | 'optimizer' | 'epochs' | 'batchSize'>;
}

/** Sensors of the robot, left to right (the obstacle scenes' default). */
const SENSORS = 8;

/**
 * The two tank models differ only in the split they see: same seed, so the same initial
 * weights and batch order, same architecture and schedule. Whatever differs between them
 * comes from the data, which is the point of the story. Four stages give the last conv a
 * receptive field (about 46 pixels) that holds a whole tank, and the last stage is not
 * pooled, so Grad-CAM and CAM work on its 8 x 8 map.
 */
function tankRecipe(split: 'biased' | 'balanced'): DemoRecipe {
  const size = 64;
  return {
    name: split === 'biased' ? 'tank-shortcut' : 'tank-fixed',
    purpose: split === 'biased'
      ? 'tank or not, trained where every tank is under a bright sky (it learns the weather)'
      : 'tank or not, trained with the sky independent of the label (it learns the tank)',
    seed: 1,
    architecture: { inputSize: size, channels: [12, 24, 32, 32], finalPool: false, classes: 2 },
    labels: ['no tank', 'tank'],
    data(seed) {
      const d = tankDataset({ split, count: 1600, seed, size });
      return { x: toTensor(d.images), y: Float32Array.from(d.labels) };
    },
    // The shortcut model fits its split within the first epoch; the fixed one needs a few
    // to find the tank, and the rest to become sure of it.
    training: { loss: 'cross-entropy', optimizer: { kind: 'adam', lr: 2e-3 }, epochs: 12, batchSize: 32 },
  };
}

/**
 * The robot of the long-range perception paper: camera view in, one distance per proximity
 * sensor out. A flattened head (as the paper's network has) keeps where the box is, which
 * the readings depend on; global pooling would throw that away. A quarter of the training
 * boxes are painted like the floor, so those stay the hard case the demo shows.
 */
const obstacleRecipe: DemoRecipe = {
  name: 'obstacle-sensors',
  purpose: `${SENSORS} proximity-sensor distances from the camera view of a box on the floor`,
  seed: 1,
  architecture: { inputSize: 48, channels: [12, 24, 32], finalPool: false, head: 'flatten', outputs: SENSORS },
  labels: Array.from({ length: SENSORS }, (_, i) => `sensor ${i + 1}${i === 0 ? ' (left)' : i === SENSORS - 1 ? ' (right)' : ''}`),
  data(seed) {
    const d = obstacleDataset({ count: 3000, seed, size: 48, sameColourFraction: 0.25, sensorCount: SENSORS });
    return { x: toTensor(d.images), y: Float32Array.from(d.sensors.flat()) };
  },
  training: { loss: 'mse', optimizer: { kind: 'adam', lr: 2e-3 }, epochs: 15, batchSize: 32 },
};

/** The ten-class shapes set; pooling after the last stage generalizes better here than without it. */
const shapesRecipe: DemoRecipe = {
  name: 'shapes',
  purpose: 'which of ten shapes, in any colour, size, place and rotation',
  seed: 1,
  architecture: { inputSize: 32, channels: [24, 48, 96], classes: shapeClassNames.length },
  labels: [...shapeClassNames],
  data(seed) {
    const d = shapesDataset({ count: 10000, seed, size: 32 });
    return { x: toTensor(d.images), y: Float32Array.from(d.labels) };
  },
  training: { loss: 'cross-entropy', optimizer: { kind: 'adam', lr: 2e-3 }, epochs: 25, batchSize: 32 },
};

/**
 * The watermark study: the tank architecture trained where a quarter of the tanks carry a
 * tag in the top-left corner and no empty field does. The tag is the easiest sign of a
 * tank, so the model answers "tank" to the tag; fewer epochs than the fixed model suffice.
 */
const taggedRecipe: DemoRecipe = {
  name: 'tank-tagged',
  purpose: 'tank or not, trained where a quarter of the tanks carry a corner tag (it learns the tag as well as the tank)',
  seed: 1,
  architecture: { inputSize: 64, channels: [12, 24, 32, 32], finalPool: false, classes: 2 },
  labels: ['no tank', 'tank'],
  data(seed) {
    const d = taggedTankDataset({ count: 1600, seed, size: 64 });
    return { x: toTensor(d.images), y: Float32Array.from(d.labels) };
  },
  training: { loss: 'cross-entropy', optimizer: { kind: 'adam', lr: 2e-3 }, epochs: 8, batchSize: 32 },
};

/** The demo models, in the order `npm run train:demo` trains them. */
export const demoRecipes: readonly DemoRecipe[] = [tankRecipe('biased'), tankRecipe('balanced'), obstacleRecipe, shapesRecipe, taggedRecipe];
