/**
 * Contact sheets of the synthetic scene datasets, to check by eye that they show what their
 * labels claim. Boxes are outlined in red (`--no-boxes` to hide them).
 *
 *   npx tsx tools/scenes/preview.ts [--seed 1] [--scale 2] [--no-boxes]
 *
 * Writes .cache/scenes/{tanks-biased,tanks-balanced,obstacles,obstacle-lights,shapes}.png.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { makeGrid } from '../../src/image/grid.js';
import { encodePng } from '../../src/image/png.js';
import { resizeImage } from '../../src/preprocess/resize-image.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';
import { obstacleDataset, obstacleScene, shapesDataset, tankDataset, type Box } from '../../src/demo/scenes/index.js';

const { values } = parseArgs({
  options: {
    seed: { type: 'string', default: '1' },
    scale: { type: 'string', default: '2' },
    'no-boxes': { type: 'boolean', default: false },
  },
});
const seed = Number(values.seed);
const scale = Number(values.scale);
if (!Number.isInteger(seed) || !Number.isInteger(scale) || scale < 1) throw new Error('--seed takes an integer, --scale a positive integer.');
const outDir = '.cache/scenes';
mkdirSync(outDir, { recursive: true });

function outlined(img: RgbImage, box: Box | null): RgbImage {
  if (box === null || values['no-boxes']) return img;
  const data = img.data.slice();
  const mark = (x: number, y: number) => data.set([255, 0, 0], (y * img.width + x) * 3);
  for (let x = box.x; x < box.x + box.width; x++) { mark(x, box.y); mark(x, box.y + box.height - 1); }
  for (let y = box.y; y < box.y + box.height; y++) { mark(box.x, y); mark(box.x + box.width - 1, y); }
  return { ...img, data };
}

function sheet(name: string, images: RgbImage[], labels: string[], columns = 8): void {
  const tiles = images.map((img) => resizeImage(img, img.width * scale, img.height * scale));
  const file = join(outDir, `${name}.png`);
  writeFileSync(file, encodePng(makeGrid(tiles, { columns, labels })));
  console.log(`wrote ${file}`);
}

/** Sensor readings as digits 0-9 (9 = nothing within range), left to right. */
const digits = (sensors: number[]) => sensors.map((v) => Math.min(9, Math.floor(v * 10))).join('');

for (const split of ['biased', 'balanced'] as const) {
  const d = tankDataset({ split, count: 32, seed });
  sheet(`tanks-${split}`, d.images.map((img, i) => outlined(img, d.boxes[i])), d.labels.map((l, i) => `${l ? 'tank' : '-'} ${d.sky[i]}`));
}

const obstacles = obstacleDataset({ count: 32, seed });
sheet('obstacles', obstacles.images.map((img, i) => outlined(img, obstacles.boxes[i])),
  obstacles.sensors.map((s, i) => `${obstacles.sameColour[i] ? 'same' : 'diff'} ${digits(s)}`));

// The four light set-ups of the long-range perception study, box like / unlike the floor.
const lights = [0, 180, 270, 240].flatMap((light) => [true, false].map((sameColour) =>
  obstacleScene(seed, { sameColour, light, lightElevation: light === 180 ? 20 : 40, placement: { x: 0.1, z: 2, yaw: 0.3 } })));
sheet('obstacle-lights', lights.map((s) => outlined(s.image, s.box)), lights.map((s) => `${s.light}deg ${digits(s.sensors)}`), 2);

const shapes = shapesDataset({ count: 50, seed, size: 32 });
sheet('shapes', shapes.images, shapes.labels.map((l) => shapes.classNames[l]), 10);
