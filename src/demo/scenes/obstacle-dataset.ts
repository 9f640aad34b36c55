/**
 * Training and test sets for the robot: views of a box on the floor labelled with the
 * proximity sensors' readings, with a chosen share of boxes painted like the floor.
 */
import { ConvlensError } from '../../errors.js';
import type { RgbImage } from '../../preprocess/rgb-image.js';
import type { Box } from './box.js';
import { obstacleScene, type ObstaclePlacement } from './obstacle-scene.js';
import { checkDatasetSize, SceneRandom } from './scene-random.js';

/** Options of {@link obstacleDataset}. */
export interface ObstacleDatasetOptions {
  count: number;
  seed: number;
  /** Side of each square picture in pixels; default 64. */
  size?: number;
  /** Share of boxes painted in the floor's colour, 0..1; default 0.5. */
  sameColourFraction?: number;
  /** Sensors per picture; default 8. */
  sensorCount?: number;
}

/** Pictures with their sensor readings and how each was made, in one shuffled order. */
export interface ObstacleDataset {
  images: RgbImage[];
  /** One row of readings per picture, left to right, 1 = nothing within range. */
  sensors: number[][];
  boxes: (Box | null)[];
  sameColour: boolean[];
  /** Light direction of each picture in degrees (see `ObstacleSceneOptions.light`). */
  light: number[];
  placements: ObstaclePlacement[];
}

/**
 * Generates `count` robot views with random box placements and light directions. Exactly
 * `round(count * sameColourFraction)` boxes have the floor's colour. Same options, same bytes.
 *
 * @example
 * const data = obstacleDataset({ count: 500, seed: 3, sameColourFraction: 0.1 });
 * data.sensors[0]; // eight numbers in (0, 1]
 */
export function obstacleDataset(options: ObstacleDatasetOptions): ObstacleDataset {
  const { count, seed, size = 64, sameColourFraction = 0.5, sensorCount = 8 } = options;
  checkDatasetSize('obstacleDataset', count, size);
  if (!(sameColourFraction >= 0 && sameColourFraction <= 1)) {
    throw new ConvlensError('BAD_OPTION', `obstacleDataset: sameColourFraction must be within 0..1, got ${String(sameColourFraction)}.`);
  }
  const rng = new SceneRandom(seed);
  const same = Math.round(count * sameColourFraction);
  const plan = rng.shuffle(Array.from({ length: count }, (_, i) => i < same));
  const dataset: ObstacleDataset = { images: [], sensors: [], boxes: [], sameColour: [], light: [], placements: [] };
  for (const sameColour of plan) {
    const light = Math.round(rng.range(0, 360));
    const scene = obstacleScene(rng.fork(), { sameColour, light: light % 360, size, sensorCount });
    dataset.images.push(scene.image);
    dataset.sensors.push(scene.sensors);
    dataset.boxes.push(scene.box);
    dataset.sameColour.push(sameColour);
    dataset.light.push(scene.light);
    dataset.placements.push(scene.placement);
  }
  return dataset;
}
