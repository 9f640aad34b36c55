/**
 * The synthesis part of `convlens report`: for one model, the image each predicted class
 * responds to most, with the share of random transformations the model recognizes it in.
 */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import { figureRow, note, paragraph, type ReportBlock } from '../render/report/index.js';
import { defaultZoom } from '../render/synthesis/progress-gif.js';
import { visualizeClasses } from '../synthesis/galleries.js';
import type { Prediction } from './report-runs.js';
import { upscaleNearest } from '../image/tiles.js';

/**
 * Blocks of the synthesis section: the top-1 classes of the images (at most 10), each
 * visualized with `steps` steps; a model without gradients gets a note instead.
 */
export async function synthesisBlocks(model: ConvlensModel, predictions: Prediction[][], steps: number, onProgress?: (done: number, total: number) => void): Promise<ReportBlock[]> {
  const top = [...new Map(predictions.map((p) => [p[0].index, p[0].label])).entries()].slice(0, 10);
  try {
    const items = await visualizeClasses(model, top.map(([k]) => k), { steps, onProgress });
    const zoom = defaultZoom(Math.min(model.itemShape[1], model.itemShape[2]));
    const shares = items.map((it) => it.result.recognized!.share[0]);
    const blocks: ReportBlock[] = [
      paragraph(`Activation maximization of each predicted class (${steps} steps from grey noise, Fourier parameterization, random transformations), and the share of 10 fresh transformations of the result the model classifies as that class.`),
      figureRow(items.map((it, k) => ({ image: upscaleNearest(it.result.images[0], zoom), caption: `${top[k][1]}: recognized ${Math.round(shares[k] * 100)} %` }))),
    ];
    const weak = top.filter((_, k) => shares[k] < 0.5).map(([, label]) => label);
    if (weak.length > 0) blocks.push(note('warning', `Recognized in under half of the transformations: ${weak.join(', ')}; these images raise the score without looking like the class to the model.`));
    return blocks;
  } catch (e) {
    if (!(e instanceof ConvlensError) || !['NOT_DIFFERENTIABLE', 'BAD_TARGET'].includes(e.code)) throw e;
    return [note('warning', { strong: 'Skipped' }, ': ', { code: e.code }, `: ${e.message}`)];
  }
}
