/**
 * The synthesis section of the demo: for each class of the shapes classifier, the image it
 * responds to most, and how often the model recognizes that image as its class.
 */
import type { ConvlensModel } from '../../engine/model.js';
import { visualizeClasses } from '../../synthesis/galleries.js';
import { figureRow, note, paragraph, type ReportBlock } from '../../render/report/index.js';
import { upscaleNearest } from '../../image/tiles.js';

export interface ShapesSynthesis {
  /** Per class: the share of re-drawn transformations classified as that class. */
  recognized: number[];
  blocks: ReportBlock[];
}

/**
 * Visualizes every class of the shapes model (`steps` Adam steps each, Fourier
 * parameterization, standard transformations).
 *
 * @example
 * const { recognized } = await shapesSynthesis(shapes, { steps: 128 });
 */
export async function shapesSynthesis(model: ConvlensModel, options: { steps?: number; onProgress?: (done: number, total: number) => void } = {}): Promise<ShapesSynthesis> {
  const steps = options.steps ?? 128;
  const classes = Array.from({ length: model.labels?.length ?? 10 }, (_, k) => k);
  const items = await visualizeClasses(model, classes, { steps, seed: 7001, onProgress: options.onProgress });
  const recognized = items.map((it) => it.result.recognized!.share[0]);
  const weak = items.filter((_, k) => recognized[k] < 0.5).map((it) => it.label);
  const blocks: ReportBlock[] = [
    paragraph('Activation maximization: starting from grey noise, ', { strong: `${steps} steps` },
      ' of gradient ascent on a Fourier-parameterized image raise each class\'s logit (plus 30 times its probability), seen through random padding, jitter, scaling and rotation. ',
      'Below each image: the share of 10 fresh random transformations of it that the model classifies as the class. A visualization that is not recognized shows a pattern that raises the score, not what the model takes for the class.'),
    figureRow(items.map((it, k) => ({ image: upscaleNearest(it.result.images[0], 3), caption: `${it.label}: recognized ${Math.round(recognized[k] * 100)} %`, width: 96 }))),
  ];
  if (weak.length > 0) blocks.push(note('warning', `Recognized in under half of the transformations: ${weak.join(', ')}.`));
  return { recognized, blocks };
}
