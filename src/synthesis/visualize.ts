/**
 * Activation maximization: the images a class, a channel, a neuron, a layer or a direction
 * responds to most, by gradient ascent on a parameterized image seen through random
 * transformations, with regularizers, as in the Distill "Feature Visualization" recipe.
 */
import type { ProgressOptions } from '../engine/engine.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { imagesOf } from './image-frames.js';
import { resolveObjective, type Objective } from './objectives.js';
import { adam, ascent, type OptimizerName } from './optimizers.js';
import type { ParamKind } from './parameterization.js';
import { recognition, type Recognition } from './recognized.js';
import { parseRegularizers, type Regularizers } from './regularizers.js';
import { SynthesisStep } from './synthesis-step.js';
import { drawTransforms, resolveTransforms, transformStream, type TransformSpec } from './transforms.js';

export interface VisualizeOptions extends ProgressOptions {
  /** Optimization steps (default 512). */
  steps?: number;
  /** Learning rate (default 0.05). */
  lr?: number;
  /** `adam` (default) or plain gradient `ascent`. */
  optimizer?: OptimizerName;
  /** `fft` (default) or `pixels`. */
  param?: ParamKind;
  /** Images optimized together (default 1); with a diversity term they are pushed apart. */
  batch?: number;
  /** Seeds the start noise and the transformations (default 0). */
  seed?: number;
  /** `standard` (default), `none`, or amounts of each transformation. */
  transforms?: 'standard' | 'none' | TransformSpec;
  /** Regularizer weights, or a string such as `l2:1e-3,tv:1e-2,blur:0.5:4`. */
  reg?: Regularizers | string;
  /** Start from these pictures (`[B, C, H, W]` in [0, 1], pixels parameterization) instead of noise. */
  start?: FloatTensor;
  /**
   * Use the redirected ReLU gradient for this many first steps (default 16; 0 turns it off), so
   * a start where the objective's units are all dead (a grey image on some networks) still
   * finds a way up.
   */
  redirectedReluSteps?: number;
  /** Snapshots of the images kept for the progress animation (default 0: none). */
  frames?: number;
  /** Input `[height, width]` for models whose spatial size is free (default: the model's). */
  size?: [number, number];
  /**
   * Called with the current images every `imageEvery` steps and after the last step (whose
   * images are the result's), for showing a run live. The images are computed only for this
   * call, and only at those steps.
   */
  onImage?: (image: FloatTensor, step: number) => void;
  /** Steps between two `onImage` calls (default 16). */
  imageEvery?: number;
}

export interface VisualizeResult {
  /** The final images, `[B, C, H, W]` in [0, 1], in the image's colour order (RGB for colour models). */
  image: FloatTensor;
  /** The final images as pictures. */
  images: RgbImage[];
  /** The batch-mean objective (before regularizers) at each step. */
  curve: number[];
  /** Snapshots for the progress animation: the step and its pictures. */
  frames: { step: number; images: RgbImage[] }[];
  /** For a single class objective, how often the result is classified as that class. */
  recognized?: Recognition;
  /** Things the user should know about the result (e.g. a class image that is not recognized). */
  warnings: string[];
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new ConvlensError('BAD_OPTION', `${name} must be a whole number greater than 0, got ${String(value)}.`);
  return value;
}

/**
 * Checks that the model's graph works at an input of `[height, width]` (convlens compiles its
 * variants for the size they run at, so a graph whose ops do not depend on the size, such as
 * one with global pooling, works at any size even when its declared input is fixed).
 */
export function checkInputSize(model: ConvlensModel, size: [number, number]): void {
  if (!Array.isArray(size) || size.length !== 2 || !size.every((d) => Number.isInteger(d) && d > 0)) {
    throw new ConvlensError('BAD_OPTION', `An input size must be [height, width] in whole pixels, got ${JSON.stringify(size)}.`);
  }
  if (size[0] === model.itemShape[1] && size[1] === model.itemShape[2]) return;
  try {
    model.shapeInfo([model.itemShape[0], ...size]);
  } catch (e) {
    throw new ConvlensError('BAD_OPTION', `The model does not work at ${size[0]}x${size[1]} inputs (${(e as Error).message}); use its own size, ${model.itemShape[1]}x${model.itemShape[2]}, or export it with a free height and width.`, { cause: e });
  }
}

/** `[C, H, W]` the images are synthesized at: the model's, or `size` where the model allows it. */
export function synthesisItemShape(model: ConvlensModel, size?: [number, number]): number[] {
  if (!size) return model.itemShape;
  checkInputSize(model, size);
  return [model.itemShape[0], size[0], size[1]];
}

function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new ConvlensError('ABORTED', 'The visualization was aborted by its AbortSignal; nothing was written.');
}

/**
 * Synthesizes the images `objective` responds to most.
 *
 * @example
 * const r = await visualize(model, 'class:3', { steps: 256, batch: 2 });
 * r.images;              // two RGB pictures
 * r.recognized?.share;   // share of re-sampled transformations classified as class 3, per image
 * const ch = await visualize(model, 'channel:layer3:12+50*diversity:layer3', { batch: 4, param: 'fft' });
 * // Live: the current picture every 8 steps; an AbortSignal stops the run after the last one shown.
 * await visualize(model, 'class:3', { steps: 256, imageEvery: 8, onImage: (image, step) => show(imagesOf(image)[0], step) });
 */
export async function visualize(model: ConvlensModel, objective: Objective, options: VisualizeOptions = {}): Promise<VisualizeResult> {
  const steps = positiveInteger(options.steps ?? 512, 'steps');
  const batch = positiveInteger(options.batch ?? options.start?.shape[0] ?? 1, 'batch');
  const seed = options.seed ?? 0;
  const lr = options.lr ?? 0.05;
  if (!(Number.isFinite(lr) && lr > 0)) throw new ConvlensError('BAD_OPTION', `lr must be a number greater than 0, got ${String(lr)}.`);
  const optimizerName = options.optimizer ?? 'adam';
  if (optimizerName !== 'adam' && optimizerName !== 'ascent') throw new ConvlensError('BAD_OPTION', `Unknown optimizer "${String(optimizerName)}"; use adam or ascent.`);
  const spec = resolveTransforms(options.transforms);
  const reg = typeof options.reg === 'string' ? parseRegularizers(options.reg) : (options.reg ?? {});
  const frames = options.frames ?? 0;
  const redirected = options.redirectedReluSteps ?? 16;
  const imageEvery = options.onImage ? positiveInteger(options.imageEvery ?? 16, 'imageEvery') : 0;
  const item = synthesisItemShape(model, options.size);
  const terms = resolveObjective(model, objective, item);
  const imageShape = [batch, ...item];
  throwIfAborted(options.signal);

  const step = await SynthesisStep.open(model, terms, options.param ?? 'fft', imageShape);
  try {
    const param = options.start ? step.param.fromImage(options.start) : step.param.noise(seed);
    const optimizer = optimizerName === 'adam' ? adam(param.length, lr) : ascent(lr);
    const next = transformStream(seed + 1);
    const curve: number[] = [];
    const kept: VisualizeResult['frames'] = [];
    const frameEvery = frames > 0 ? Math.max(1, Math.floor(steps / frames)) : 0;
    for (let s = 0; s < steps; s++) {
      throwIfAborted(options.signal);
      const draws = drawTransforms(next, batch, spec, [item[1], item[2]]);
      const e = await step.evaluate(param, draws, reg, { relu: s < redirected ? 'redirected' : 'vanilla', signal: options.signal });
      curve.push(e.values.reduce((a, b) => a + b, 0) / batch);
      if (frameEvery && s % frameEvery === 0) kept.push({ step: s, images: imagesOf(e.image) });
      optimizer.step(param, e.gradient);
      if (reg.blur && (s + 1) % reg.blur.every === 0) param.set(step.param.blur(param, reg.blur.sigma));
      options.onProgress?.(s + 1, steps);
      if (imageEvery && (s + 1) % imageEvery === 0 && s + 1 < steps) options.onImage!(await step.param.image(param), s + 1);
    }
    const image = await step.param.image(param);
    options.onImage?.(image, steps);
    const images = imagesOf(image);
    if (frameEvery) kept.push({ step: steps, images });
    const classes = new Set(terms.map((t) => t.classIndex));
    const warnings: string[] = [];
    let recognized: Recognition | undefined;
    const target = [...classes][0];
    if (classes.size === 1 && target !== undefined) {
      throwIfAborted(options.signal);
      recognized = await recognition(step, image, target, { seed: seed + 2, transforms: spec });
      recognized.share.forEach((share, n) => {
        if (share < 0.5) warnings.push(`Image ${n} is classified as class ${target} in only ${Math.round(share * 100)} % of re-sampled transformations; the visualization may not show what the class looks like to the model (try more steps, a probability term such as +30*prob:${target}, or regularization).`);
      });
    }
    return { image, images, curve, frames: kept, recognized, warnings };
  } finally {
    await step.release();
  }
}
