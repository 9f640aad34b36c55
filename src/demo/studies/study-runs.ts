/** Small pieces every demo study needs: predictions over a set of pictures, accuracy, progress. */
import type { ConvlensModel } from '../../engine/model.js';
import type { RgbImage } from '../../preprocess/rgb-image.js';
import type { FloatTensor } from '../../numeric/float-tensor.js';
import { forward } from '../../methods/passes.js';
import { argmaxRow } from '../../numeric/softmax.js';

export interface StudyProgress {
  /** Called after each step of a study with the steps done and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Stops the study (with an `ABORTED` ConvlensError) between its steps and inside its runs; studies that take one say so. */
  signal?: AbortSignal;
}

/** The model's output for each picture, `[N, K]`. */
export async function outputsOf(model: ConvlensModel, images: RgbImage[], signal?: AbortSignal): Promise<FloatTensor> {
  return (await forward(model, await model.preprocess(images), [model.outputName], { signal }))[model.outputName];
}

/** The class with the highest score for each picture. */
export async function predictedClasses(model: ConvlensModel, images: RgbImage[], signal?: AbortSignal): Promise<number[]> {
  const out = await outputsOf(model, images, signal);
  return images.map((_, n) => argmaxRow(out.data, n, out.shape[1]));
}

/** Share of `predicted` equal to `labels`. */
export function accuracy(predicted: number[], labels: number[]): number {
  return predicted.filter((p, i) => p === labels[i]).length / labels.length;
}
