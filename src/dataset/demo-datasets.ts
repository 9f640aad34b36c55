/**
 * The built-in demo datasets, generated on demand from fixed seeds by the scene generators:
 * any image can be made again from its index alone, so a scan streams them like files.
 */
import { ConvlensError } from '../errors.js';
import { seededUint32 } from '../numeric/seeded-random.js';
import { shapeClassNames, shapeScene, tankScene } from '../demo/scenes/index.js';
import { drawTag } from '../demo/scenes/tagged-tanks.js';
import type { DatasetSource } from './source.js';

export const demoDatasetNames = ['shapes', 'tanks-biased', 'tanks-balanced', 'tanks-tagged'] as const;
export type DemoDatasetName = (typeof demoDatasetNames)[number];

export interface DemoDatasetOptions {
  /** Number of images; default 1000 for shapes, 400 for the tank sets. */
  count?: number;
  /** Default 1. */
  seed?: number;
  /** Side of the square pictures; default 32 for shapes, 64 for tanks (the demo models' sizes). */
  size?: number;
}

/** Per-index seeds and a shuffled label plan from one seed. */
function plan(seed: number, count: number, classes: number): { seeds: Uint32Array; labels: number[] } {
  const next = seededUint32(seed);
  const labels = Array.from({ length: count }, (_, i) => i % classes);
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor((next() / 2 ** 32) * (i + 1));
    [labels[i], labels[j]] = [labels[j], labels[i]];
  }
  return { seeds: Uint32Array.from({ length: count }, () => next()), labels };
}

/**
 * A demo dataset: `shapes` (ten shape classes), `tanks-biased` (every tank under a bright sky,
 * every empty field overcast: the legend's flaw), `tanks-balanced` (sky independent of the
 * label) or `tanks-tagged` (balanced, and every fourth tank carries a tag in the top-left
 * corner: the watermark study). Same options, same images.
 *
 * @example
 * const data = demoDataset('tanks-biased', { count: 100 });
 * data.classNames; // ['no tank', 'tank']
 */
export function demoDataset(name: DemoDatasetName, options: DemoDatasetOptions = {}): DatasetSource {
  if (!demoDatasetNames.includes(name)) {
    throw new ConvlensError('BAD_OPTION', `Unknown demo dataset "${String(name)}"; use one of ${demoDatasetNames.join(', ')}.`);
  }
  const shapes = name === 'shapes';
  const count = options.count ?? (shapes ? 1000 : 400);
  if (!Number.isInteger(count) || count < 1) throw new ConvlensError('BAD_OPTION', `A demo dataset needs a whole number of images >= 1; got ${String(count)}.`);
  const size = options.size ?? (shapes ? 32 : 64);
  const classNames = shapes ? [...shapeClassNames] : ['no tank', 'tank'];
  const { seeds, labels } = plan(options.seed ?? 1, count, classNames.length);
  const entries = labels.map((label, i) => ({ id: `${name}/${i}`, label }));
  // In the tagged set, every fourth tank in index order carries the tag.
  let tanksSoFar = 0;
  const tagged = labels.map((label) => name === 'tanks-tagged' && label === 1 && tanksSoFar++ % 4 === 0);
  return {
    name,
    entries,
    classNames,
    load: (index: number) => {
      if (!Number.isInteger(index) || index < 0 || index >= count) {
        throw new ConvlensError('BAD_OPTION', `Image ${index} is outside the ${count} images of the ${name} dataset.`);
      }
      if (shapes) return Promise.resolve(shapeScene(seeds[index], { shape: shapeClassNames[labels[index]], size }));
      const tank = labels[index] === 1;
      // Biased: the sky follows the label. Balanced: the sky alternates within each label.
      const bright = name === 'tanks-biased' ? tank : Math.floor(index / 2) % 2 === 0;
      const image = tankScene(seeds[index], { tank, sky: bright ? 'bright' : 'overcast', size }).image;
      return Promise.resolve(tagged[index] ? drawTag(image) : image);
    },
  };
}
