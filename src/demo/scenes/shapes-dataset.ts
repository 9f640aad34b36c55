/**
 * A small CIFAR-10 stand-in: ten shape classes in random colours, sizes, places and
 * rotations over solid, gradient or noisy backgrounds, so that a small CNN has something
 * real to learn (outlines) and something to ignore (colour, background, position).
 */
import { ConvlensError } from '../../errors.js';
import type { RgbImage } from '../../preprocess/rgb-image.js';
import { Canvas, mixRgb, type Rgb } from './raster.js';
import { checkDatasetSize, checkImageSize, SceneRandom, sceneRandom, type SeedOrRandom } from './scene-random.js';
import { shapeClassNames, shapeRegion, type ShapeClass } from './shape-outlines.js';
import { valueNoise } from './value-noise.js';


/** Options of {@link shapeScene}. */
export interface ShapeSceneOptions {
  shape: ShapeClass;
  /** Side of the square picture in pixels; default 32. */
  size?: number;
}

/** Options of {@link shapesDataset}. */
export interface ShapesDatasetOptions {
  count: number;
  seed: number;
  /** Side of each square picture in pixels; default 32. */
  size?: number;
}

/** Pictures and their class indices into `classNames`, in one shuffled order. */
export interface ShapesDataset {
  images: RgbImage[];
  labels: number[];
  classNames: readonly string[];
}

const luminance = (c: Rgb) => 0.299 * c[0] + 0.587 * c[1] + 0.114 * c[2];
const randomColour = (rng: SceneRandom): Rgb => [rng.range(0, 255), rng.range(0, 255), rng.range(0, 255)];

/**
 * One picture of a shape on a random background.
 *
 * @example
 * const star = shapeScene(5, { shape: 'star' }); // a 32 x 32 RgbImage
 */
export function shapeScene(seed: SeedOrRandom, options: ShapeSceneOptions): RgbImage {
  const size = options.size ?? 32;
  checkImageSize('shapeScene', size);
  if (!shapeClassNames.includes(options.shape)) {
    throw new ConvlensError('BAD_OPTION', `shapeScene: shape must be one of ${shapeClassNames.join(', ')}; got ${String(options.shape)}.`);
  }
  const rng = sceneRandom(seed);
  const canvas = new Canvas(size, size);
  const backgroundMean = paintBackground(canvas, rng);
  // Redraw the colour until it stands out from the background, as objects in photos mostly do.
  let colour = randomColour(rng);
  for (let tries = 0; tries < 30 && Math.abs(luminance(colour) - luminance(backgroundMean)) < 60; tries++) colour = randomColour(rng);
  const radius = rng.range(0.18, 0.36) * size;
  const cx = rng.range(0.9 * radius, size - 0.9 * radius);
  const cy = rng.range(0.9 * radius, size - 0.9 * radius);
  const angle = rng.range(0, 2 * Math.PI);
  // A soft light from one side, so shapes are not perfectly flat.
  const lightAngle = rng.range(0, 2 * Math.PI);
  const lightStrength = rng.range(0, 0.25);
  canvas.fill(shapeRegion(options.shape, { cx, cy, radius, angle }), (x, y) => {
    const t = (((x - cx) * Math.cos(lightAngle) + (y - cy) * Math.sin(lightAngle)) / radius) * lightStrength;
    return t > 0 ? mixRgb(colour, [255, 255, 255], t) : mixRgb(colour, [0, 0, 0], -t);
  });
  return canvas.toImage();
}

/** Paints a solid, gradient or noisy background and returns its mean colour. */
function paintBackground(canvas: Canvas, rng: SceneRandom): Rgb {
  const size = canvas.width;
  const a = randomColour(rng);
  const b = rng.chance(0.5) ? randomColour(rng) : mixRgb(a, randomColour(rng), 0.35);
  const kind = rng.pick(['solid', 'gradient', 'noise'] as const);
  if (kind === 'solid') {
    canvas.paint(() => a);
    return a;
  }
  if (kind === 'gradient') {
    const angle = rng.range(0, 2 * Math.PI);
    const [dx, dy] = [Math.cos(angle) / size, Math.sin(angle) / size];
    canvas.paint((x, y) => mixRgb(a, b, Math.min(1, Math.max(0, 0.5 + (x - size / 2) * dx + (y - size / 2) * dy))));
    return mixRgb(a, b, 0.5);
  }
  const noise = valueNoise(rng, rng.int(2, 6), 3);
  const grain = Float32Array.from({ length: size * size }, () => rng.jitter(18));
  canvas.paint((x, y) => {
    const c = mixRgb(a, b, noise(x / size, y / size));
    const g = grain[Math.floor(y) * size + Math.floor(x)];
    return [c[0] + g, c[1] + g, c[2] + g];
  });
  return mixRgb(a, b, 0.5);
}

/**
 * Generates `count` shape pictures with balanced classes: each class appears
 * `floor(count / 10)` or one more times. Same options, same bytes.
 *
 * @example
 * const { images, labels, classNames } = shapesDataset({ count: 1000, seed: 0 });
 * classNames[labels[0]]; // e.g. 'heart'
 */
export function shapesDataset(options: ShapesDatasetOptions): ShapesDataset {
  const { count, seed, size = 32 } = options;
  checkDatasetSize('shapesDataset', count, size);
  const rng = new SceneRandom(seed);
  const labels = rng.shuffle(Array.from({ length: count }, (_, i) => i % shapeClassNames.length));
  const images = labels.map((label) => shapeScene(rng.fork(), { shape: shapeClassNames[label], size }));
  return { images, labels, classNames: shapeClassNames };
}
