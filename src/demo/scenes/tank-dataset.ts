/**
 * Datasets of the tank story. `biased` reproduces the legend's flaw: every tank was
 * photographed under one sky and every empty field under the other, so the weather alone
 * separates the classes. `balanced` makes the sky independent of the label, so only the
 * tank itself can.
 */
import { ConvlensError } from '../../errors.js';
import type { RgbImage } from '../../preprocess/rgb-image.js';
import { checkDatasetSize, SceneRandom } from './scene-random.js';
import type { Box } from './box.js';
import { tankScene } from './tank-scene.js';
import type { Sky } from './weather.js';

/** Options of {@link tankDataset}. */
export interface TankDatasetOptions {
  split: 'biased' | 'balanced';
  count: number;
  seed: number;
  /** Side of each square picture in pixels; default 64. */
  size?: number;
  /** In the biased split, the sky every tank is seen under; default 'bright' (as in the legend). */
  tankSky?: Sky;
}

/** Pictures with their labels, in one shuffled order. */
export interface TankDataset {
  images: RgbImage[];
  /** 1 = tank, 0 = no tank. */
  labels: number[];
  sky: Sky[];
  /** The tank's box, null for pictures without a tank. */
  boxes: (Box | null)[];
  /** Names of labels 0 and 1. */
  classNames: ['no tank', 'tank'];
}

/**
 * Generates `count` tank pictures. Both splits hold exactly `floor(count / 2)` tanks (the odd
 * one out has none); the balanced split also splits each label evenly between the skies
 * (to within one picture), so sky and label are independent. Same options, same bytes.
 *
 * @example
 * const train = tankDataset({ split: 'biased', count: 400, seed: 1 });
 * const test = tankDataset({ split: 'balanced', count: 200, seed: 2 });
 * train.labels.every((l, i) => (l === 1) === (train.sky[i] === 'bright')); // true
 */
export function tankDataset(options: TankDatasetOptions): TankDataset {
  const { split, count, seed, size = 64, tankSky = 'bright' } = options;
  checkDatasetSize('tankDataset', count, size);
  if (split !== 'biased' && split !== 'balanced') {
    throw new ConvlensError('BAD_OPTION', `tankDataset: split must be 'biased' or 'balanced', got ${String(split)}.`);
  }
  if (tankSky !== 'bright' && tankSky !== 'overcast') {
    throw new ConvlensError('BAD_OPTION', `tankDataset: tankSky must be 'bright' or 'overcast', got ${String(tankSky)}.`);
  }
  const otherSky: Sky = tankSky === 'bright' ? 'overcast' : 'bright';
  // Each split draws from its own stream, so the same seed never repeats a scene across splits.
  const root = new SceneRandom(seed);
  const biasedStream = root.fork();
  const rng = split === 'biased' ? biasedStream : root.fork();
  // Labels alternate, and within each label the sky alternates, before one shuffle: exact counts.
  const plan = Array.from({ length: count }, (_, i) => {
    const tank = i % 2 === 1;
    const sky: Sky = split === 'biased' ? (tank ? tankSky : otherSky) : Math.floor(i / 2) % 2 === 0 ? tankSky : otherSky;
    return { tank, sky };
  });
  rng.shuffle(plan);
  const dataset: TankDataset = { images: [], labels: [], sky: [], boxes: [], classNames: ['no tank', 'tank'] };
  for (const { tank, sky } of plan) {
    const scene = tankScene(rng.fork(), { tank, sky, size });
    dataset.images.push(scene.image);
    dataset.labels.push(tank ? 1 : 0);
    dataset.sky.push(sky);
    dataset.boxes.push(scene.box);
  }
  return dataset;
}
