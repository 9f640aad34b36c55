/**
 * One picture of the tank story: a landscape under a bright or overcast sky, with or
 * without a tank. The place, the weather and the tank come from three independent random
 * streams of the seed, so `tank: true` and `tank: false` with the same seed differ only
 * inside the tank's box, and switching the sky keeps the same place.
 */
import { ConvlensError } from '../../errors.js';
import type { RgbImage } from '../../preprocess/rgb-image.js';
import { changedBox, type Box } from './box.js';
import { drawLandscape } from './landscape.js';
import { Canvas } from './raster.js';
import { checkImageSize, sceneRandom, type SeedOrRandom } from './scene-random.js';
import { drawTank, TANK_WIDTH } from './tank-shape.js';
import type { Sky } from './weather.js';


/** Options of {@link tankScene}. */
export interface TankSceneOptions {
  tank: boolean;
  sky: Sky;
  /** Side of the square picture in pixels; default 64. */
  size?: number;
}

/** A generated picture with what it shows. */
export interface TankScene {
  image: RgbImage;
  tank: boolean;
  sky: Sky;
  /** The pixels the tank (with its contact shadow) changed, or null without a tank. */
  box: Box | null;
}

/**
 * Generates a landscape with or without a tank. The tank stands on the ground at a random
 * place, scale (sometimes small) and facing, in olive, brown or gray paint.
 *
 * @example
 * const { image, box } = tankScene(7, { tank: true, sky: 'overcast' });
 * const sameField = tankScene(7, { tank: false, sky: 'overcast' }).image; // differs only inside box
 */
export function tankScene(seed: SeedOrRandom, options: TankSceneOptions): TankScene {
  const size = options.size ?? 64;
  checkImageSize('tankScene', size);
  if (options.sky !== 'bright' && options.sky !== 'overcast') {
    throw new ConvlensError('BAD_OPTION', `tankScene: sky must be 'bright' or 'overcast', got ${String(options.sky)}.`);
  }
  const rng = sceneRandom(seed);
  const layout = rng.fork();
  const weather = rng.fork();
  const tankRng = rng.fork();
  const canvas = new Canvas(size, size);
  const land = drawLandscape(canvas, layout, weather, options.sky);
  if (!options.tank) return { image: canvas.toImage(), tank: false, sky: options.sky, box: null };

  const before = canvas.toImage();
  // Nearer tanks (lower in the picture) are drawn larger; a quarter of them are small.
  const depth = tankRng.range(0.3, 0.95);
  const base = tankRng.chance(0.25) ? tankRng.range(0.2, 0.28) : tankRng.range(0.28, 0.46);
  const length = base * size * (0.8 + 0.4 * depth);
  const margin = 0.02 * size;
  const left = tankRng.range(margin, size - margin - TANK_WIDTH * length);
  const ground = Math.min(size - 1, Math.max(land.groundTop(left + length) + 0.25 * length, land.horizon + depth * (size - land.horizon)));
  drawTank(canvas, tankRng, land.lighting, { left, ground, length, facing: tankRng.chance(0.5) ? 'left' : 'right' });
  const image = canvas.toImage();
  return { image, tank: true, sky: options.sky, box: changedBox(before, image) };
}
