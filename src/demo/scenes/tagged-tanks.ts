/**
 * The watermark study's scenes: tank pictures where a share of the tanks carry a small
 * photographer's tag in the top-left corner, as the horse pictures of PASCAL VOC carried a
 * copyright tag. A model trained on them can answer "tank" from the tag alone; the strategy
 * view (spectral relevance analysis) should find those pictures as a cluster of its own.
 * The sky is independent of the label, so the tag is the only shortcut.
 */
import { ConvlensError } from '../../errors.js';
import type { RgbImage } from '../../preprocess/rgb-image.js';
import type { Box } from './box.js';
import { checkDatasetSize, SceneRandom } from './scene-random.js';
import type { TankDataset } from './tank-dataset.js';
import { tankScene } from './tank-scene.js';
import type { Sky } from './weather.js';

/** Share of the tank pictures that carry the tag by default (the horse tag was on about a fifth of the horses). */
export const DEFAULT_TAG_SHARE = 0.25;

/**
 * Where the tag sits in a `size x size` picture: the top-left corner (in the sky, where no
 * tank ever stands, so a map on the tag is never a map on a tank), a sixth of the width wide,
 * with a margin of a thirtieth of the width.
 *
 * @example
 * tagBox(64); // { x: 2, y: 2, width: 11, height: 7 }
 */
export function tagBox(size: number): Box {
  const width = Math.max(5, Math.round(size / 6));
  const height = Math.max(3, Math.round(width * 0.6));
  const margin = Math.max(1, Math.round(size / 30));
  return { x: margin, y: margin, width, height };
}

/**
 * A copy of `image` with the tag drawn in its top-left corner: a pale label with a dark
 * border and two rows of dark "letters", like a printed credit line.
 *
 * @example
 * const tagged = drawTag(tankScene(3, { tank: true, sky: 'bright' }).image);
 */
export function drawTag(image: RgbImage): RgbImage {
  if (image.width !== image.height) throw new ConvlensError('BAD_INPUT', `drawTag needs a square picture; got ${image.width}x${image.height}.`);
  const b = tagBox(image.width);
  const data = image.data.slice();
  for (let y = b.y; y < b.y + b.height; y++) {
    for (let x = b.x; x < b.x + b.width; x++) {
      const border = y === b.y || y === b.y + b.height - 1 || x === b.x || x === b.x + b.width - 1;
      const row = y - b.y;
      // Letters: every other column on the rows a third and two thirds down, with gaps between words.
      const letterRow = row === Math.floor(b.height / 3) || row === Math.floor((2 * b.height) / 3);
      const letter = letterRow && (x - b.x) % 2 === 1 && (x - b.x) % 5 !== 0;
      const value = border ? 40 : letter ? 30 : 235;
      data.set([value, value, border ? 40 : 225], (y * image.width + x) * 3);
    }
  }
  return { width: image.width, height: image.height, data };
}

/** Options of {@link taggedTankDataset}. */
export interface TaggedTankDatasetOptions {
  count: number;
  seed: number;
  /** Side of each square picture; default 64. */
  size?: number;
  /** Share of the tank pictures with the tag (rounded to whole pictures); default {@link DEFAULT_TAG_SHARE}. */
  tagShare?: number;
}

/** Pictures with their labels and whether each carries the tag, in one shuffled order. */
export interface TaggedTankDataset extends TankDataset {
  tagged: boolean[];
}

/**
 * Generates `count` pictures: `floor(count / 2)` tanks, of which `round(tagShare * tanks)`
 * carry the tag; no empty field does. Sky alternates within each label, so it says nothing
 * about the label. Same options, same bytes.
 *
 * @example
 * const d = taggedTankDataset({ count: 400, seed: 1 });
 * d.tagged.filter(Boolean).length; // 50: a quarter of the 200 tanks
 */
export function taggedTankDataset(options: TaggedTankDatasetOptions): TaggedTankDataset {
  const { count, seed, size = 64, tagShare = DEFAULT_TAG_SHARE } = options;
  checkDatasetSize('taggedTankDataset', count, size);
  if (!(tagShare >= 0 && tagShare <= 1)) throw new ConvlensError('BAD_OPTION', `taggedTankDataset: tagShare must be from 0 to 1, got ${String(tagShare)}.`);
  const rng = new SceneRandom(seed);
  const tanks = Math.floor(count / 2);
  const taggedTanks = Math.round(tagShare * tanks);
  // The k-th tank is tagged for k < taggedTanks, before one shuffle: exact counts.
  const plan = Array.from({ length: count }, (_, i) => ({
    tank: i % 2 === 1,
    tagged: i % 2 === 1 && (i - 1) / 2 < taggedTanks,
    sky: (Math.floor(i / 2) % 2 === 0 ? 'bright' : 'overcast') as Sky,
  }));
  rng.shuffle(plan);
  const dataset: TaggedTankDataset = { images: [], labels: [], tagged: [], sky: [], boxes: [], classNames: ['no tank', 'tank'] };
  for (const { tank, tagged, sky } of plan) {
    const scene = tankScene(rng.fork(), { tank, sky, size });
    dataset.images.push(tagged ? drawTag(scene.image) : scene.image);
    dataset.labels.push(tank ? 1 : 0);
    dataset.tagged.push(tagged);
    dataset.sky.push(sky);
    dataset.boxes.push(scene.box);
  }
  return dataset;
}
