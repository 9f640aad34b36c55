/**
 * The check no other feature-visualization library makes: is a class visualization actually
 * classified as its class? Each image is seen through freshly drawn transformations and the
 * model's top-1 class counted.
 */
import type { ConvlensModel } from '../engine/model.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { tapGraph } from '../onnx/variants.js';
import type { SynthesisStep } from './synthesis-step.js';
import { drawTransforms, standardTransforms, transformStream, type TransformSpec } from './transforms.js';

export interface Recognition {
  /** The class checked. */
  target: number;
  /** Per image: the share of samples whose top-1 class is the target. */
  share: number[];
  /** Transformations drawn per image. */
  samples: number;
}

/** Model outputs for a batch of model inputs of any spatial size. */
export async function outputsOf(model: ConvlensModel, x: FloatTensor, signal?: AbortSignal): Promise<FloatTensor> {
  const output = model.outputName;
  const out = await model.engine.run({
    key: `forward|${output}`,
    compile: (info) => ({ model: tapGraph(model.onnxModel, info, [output]), outputs: { [output]: output } }),
    batched: { [model.inputName]: x },
    results: { [output]: 'concat' },
    signal,
  });
  return out[output];
}

/**
 * The share of `samples` re-drawn standard transformations of each image that the model
 * classifies (top-1) as `target`.
 *
 * @example
 * const r = await recognition(step, result.image, 3);
 * r.share; // e.g. [0.9]
 */
export async function recognition(
  step: SynthesisStep, image: FloatTensor, target: number,
  options: { seed?: number; samples?: number; transforms?: TransformSpec; signal?: AbortSignal } = {},
): Promise<Recognition> {
  const samples = options.samples ?? 10;
  const [B, , H, W] = image.shape;
  const next = transformStream(options.seed ?? 0);
  const spec = options.transforms && options.transforms.pad + options.transforms.jitter > 0 ? options.transforms : standardTransforms;
  const hits = new Array<number>(B).fill(0);
  for (let s = 0; s < samples; s++) {
    const { x } = step.modelInput(image, drawTransforms(next, B, spec, [H, W]));
    const scores = await outputsOf(step.model, x, options.signal);
    const K = scores.data.length / B;
    for (let n = 0; n < B; n++) {
      const row = scores.data.subarray(n * K, (n + 1) * K);
      let best = 0;
      for (let k = 1; k < K; k++) if (row[k] > row[best]) best = k;
      if (best === target) hits[n] += 1;
    }
  }
  return { target, share: hits.map((h) => h / samples), samples };
}
