/**
 * Inside the shapes classifier: what its first convolutions learned (filters), what they
 * compute for one picture (feature maps), and where it looks for each class (Grad-CAM).
 */
import type { ConvlensModel } from '../../engine/model.js';
import { featureMaps } from '../../methods/feature-maps.js';
import { filters } from '../../methods/filters.js';
import { featureMapGrids } from '../../render/feature-map-grid.js';
import { filterGrid } from '../../render/filter-grid.js';
import { findMethod } from '../../methods/registry.js';
import { shapeClassNames, shapeScene, shapesDataset } from '../scenes/index.js';
import { methodImage } from '../../render/method-image.js';
import { figureRow, imageGrid, numberTable, paragraph, type ReportBlock } from '../../render/report/index.js';
import { accuracy, predictedClasses, type StudyProgress } from './study-runs.js';

export interface ShapesInsideOptions extends StudyProgress {
  /** Test pictures for the accuracy; default 300. */
  testCount?: number;
  /** Seed of the test pictures; default 5001. */
  seed?: number;
}

export interface ShapesInside {
  accuracy: number;
  /** The Conv layers drawn, first to last. */
  layers: string[];
  blocks: ReportBlock[];
}

/**
 * Runs the shapes section of the demo on a ten-class shapes classifier.
 *
 * @example
 * const inside = await shapesInside(shapes);
 * inside.accuracy; // well above the 10 % of chance
 */
export async function shapesInside(model: ConvlensModel, options: ShapesInsideOptions = {}): Promise<ShapesInside> {
  const { testCount = 300, seed = 5001, onProgress } = options;
  const size = model.itemShape[1];
  const test = shapesDataset({ count: testCount, seed, size });
  const acc = accuracy(await predictedClasses(model, test.images), test.labels);
  onProgress?.(1, 4);

  // One picture per class, each from its own seed so the row is the same on every run.
  const gallery = shapeClassNames.map((shape, k) => shapeScene(seed + 1 + k, { shape, size }));
  const predicted = await predictedClasses(model, gallery);
  const x = await model.preprocess(gallery);
  const cam = await findMethod('gradcam').run(model, x, { target: 'top1' });
  onProgress?.(2, 4);

  const convs = model.layers.filter((l) => l.op === 'Conv').slice(0, 2);
  const named = (l: (typeof convs)[number]) => l.module ?? l.name;
  // The first layer's colour kernels are a few pixels each: shown large. Deeper layers show
  // 16 filters by 8 input channels, enough to see structure without a wall of tiles.
  const kernelFigures = convs.map((l, i) => ({
    image: filterGrid(filters(model, l.name), { range: 'per-filter', maxFilters: 16, maxInputs: 8 }).image,
    caption: `${named(l)}: ${i === 0 ? `${l.shape[1]} filters over RGB, in colour` : `16 of ${l.shape[1]} filters (rows) x 8 input channels, in gray`}`,
    width: i === 0 ? 256 : undefined,
  }));
  onProgress?.(3, 4);
  const star = gallery[shapeClassNames.indexOf('star')];
  const maps = [];
  for (const l of convs) {
    const fm = await featureMaps(model, await model.preprocess([star]), l.name, { order: 'mean' });
    maps.push({ image: featureMapGrids(fm, { maxChannels: 16 }).images[0], caption: `${named(l)}: the 16 channels with the highest mean activation` });
  }
  onProgress?.(4, 4);

  const blocks: ReportBlock[] = [
    paragraph('A ten-class classifier of shapes in varied colours, sizes and backgrounds, trained by convlens. On ',
      `${testCount} fresh pictures it is right `, { strong: `${Math.round(1000 * acc) / 10} %` }, ' of the time (chance: 10 %).'),
    imageGrid({
      caption: 'One picture per class, the predicted class, and Grad-CAM of that prediction',
      rowLabels: ['picture', 'Grad-CAM'],
      columnLabels: [...shapeClassNames],
      cellWidth: 72,
      cells: [
        gallery.map((image, k) => ({ image, caption: `says ${shapeClassNames[predicted[k]]}` })),
        gallery.map((_, k) => ({ image: methodImage(cam, k, gallery) })),
      ],
    }),
    paragraph('Filters: the weights of the first two convolutions, each filter stretched to its own range.'),
    figureRow(kernelFigures),
    paragraph('Feature maps: what those convolutions compute for the star, brightest channels first.'),
    figureRow([{ image: star, caption: 'input', width: 96 }, ...maps]),
    numberTable({ caption: 'Layers of the model', columns: ['layer', 'op', 'output shape'], rows: model.layers.map((l) => [named(l), l.op, l.shape.slice(1).join(' x ')]) }),
  ];
  return { accuracy: acc, layers: convs.map(named), blocks };
}
