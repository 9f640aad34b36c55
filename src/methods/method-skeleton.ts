/**
 * What every explanation method shares, so a method file holds only what makes it that
 * method: the target options, the explained items a result describes, the CAM layer and map,
 * and the batch size of methods that run many perturbed inputs. The target itself is resolved
 * by `targetPass` (passes.ts), since it may need the model's output.
 */
import type { ProgressOptions } from '../engine/engine.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { normalizeItemsInPlace, upsampleItems } from './maps.js';
import type { ResolvedTargets, Target } from './targets.js';

/** What to explain, and in which output: the options every method takes. */
export interface TargetOptions extends ProgressOptions {
  target?: Target;
  /** Model output the target refers to (default: the first). */
  output?: string;
}

/** The items a result holds: one per (image, target) pair. */
export interface ExplainedItems {
  /** For each result item, the image it explains. */
  image: number[];
  /** For each result item, the class it explains (null for a weights target). */
  target: (number | null)[];
  /** Model outputs for each result item. */
  scores: FloatTensor;
}

/** The explained items of resolved targets, with `scores` already one item per explained item. */
export function explainedItems(targets: Pick<ResolvedTargets, 'image' | 'target'>, scores: FloatTensor): ExplainedItems {
  return { image: targets.image, target: targets.target, scores };
}

/**
 * For each of `images` images, the explained items that belong to it.
 *
 * @example
 * itemsByImage([0, 0, 1], 2); // [[0, 1], [2]]
 */
export function itemsByImage(image: readonly number[], images: number): number[][] {
  const items = Array.from({ length: images }, (): number[] => []);
  image.forEach((n, m) => items[n].push(m));
  return items;
}

/**
 * `<seed of explained item m, item i of outputs>`: the score the target of item `m` means,
 * read from any output item (the item's own, a perturbed copy's, a baseline's).
 */
export function seedScore(seeds: FloatTensor, m: number, outputs: FloatTensor, i: number): number {
  const k = seeds.data.length / seeds.shape[0];
  let s = 0;
  for (let j = 0; j < k; j++) s += seeds.data[m * k + j] * outputs.data[i * k + j];
  return s;
}

/** A CAM at one layer. */
export interface CamMap {
  /** Layer name as given. */
  layer: string;
  /** `[M, h, w]` ReLU'd map at the layer's resolution, unnormalized. */
  raw: FloatTensor;
  /** `[M, H, W]` at input resolution, each item scaled to [0, 1]. */
  map: FloatTensor;
}

/**
 * A layer-resolution map with its input-resolution view: upsampled to the model's input size
 * and each item scaled to [0, 1].
 *
 * @example
 * const { map } = camMap(model, 'layer4', raw); // map.shape: [M, 224, 224]
 */
export function camMap(model: ConvlensModel, layer: string, raw: FloatTensor): CamMap {
  const [H, W] = model.itemShape.slice(1);
  return { layer, raw, map: normalizeItemsInPlace(upsampleItems(raw, H, W)) };
}

/** The last layer with a spatial `[N, C, h, w]` output larger than 1 x 1: Grad-CAM's usual choice. */
export function defaultCamLayer(model: ConvlensModel): string {
  const layers = model.layers;
  for (let i = layers.length - 1; i >= 0; i--) {
    const s = layers[i].shape;
    if (s.length === 4 && s[2] * s[3] > 1) return layers[i].name;
  }
  throw new ConvlensError('NO_SPATIAL_OUTPUT', 'The model has no layer with a spatial [N, C, h, w] output, so there is nothing to map; use saliency instead.');
}

/** Resolves a CAM layer (or the default one) to its tensor; `NO_SPATIAL_OUTPUT` when it is not `[N, C, h, w]`. */
export function spatialLayer(model: ConvlensModel, layer: string = defaultCamLayer(model)): { name: string; tensor: string } {
  const tensor = model.resolveLayer(layer);
  const shape = model.shapeInfo().shapes.get(tensor) ?? [];
  if (shape.length !== 4) {
    throw new ConvlensError('NO_SPATIAL_OUTPUT',
      `Layer "${layer}" outputs shape [${shape.join(', ')}], not a spatial [N, C, h, w] map; pick a convolutional layer (see \`convlens layers\`).`);
  }
  return { name: layer, tensor };
}

/**
 * Perturbed inputs (masked, occluded) built and run per forward call: `given` when set, else
 * what one engine chunk holds (so calls are not split again), at most `max` (or a multiple of
 * a fixed model batch). Per-call overhead dominates with a few items per call; past the
 * method's `max`, CPU runs were no faster per item and the inputs built at once grow. The
 * calls are then evened out (224 items at most 64 per call run as 4 x 56, not 3 x 64 + 32): a
 * short last call costs more per item, and every new batch shape makes onnxruntime plan again.
 *
 * @example
 * forwardBatchSize(model, 2048, 16); // 13 for a 224 x 224 ResNet-50 under a 2 GiB budget
 */
export function forwardBatchSize(model: ConvlensModel, total: number, max: number, given?: number): number {
  if (given !== undefined) {
    if (!Number.isInteger(given) || given < 1) throw new ConvlensError('BAD_OPTION', `batchSize must be a positive integer, got ${given}.`);
    return given;
  }
  const fixed = model.engine.fixedBatch;
  if (fixed) return fixed * Math.max(1, Math.floor(max / fixed));
  const largest = Math.max(1, Math.min(max, model.engine.chunkSize(model.itemShape, total, 1)));
  return Math.ceil(total / Math.ceil(total / largest)) || 1;
}

/**
 * Items to run in the call of a perturbation method's batches that starts at item `start`
 * and holds `count` (of `batchSize` per call): a short last call runs a whole batch, its extra
 * items ignored, when it is short by at most a quarter of one. A second batch shape needs a
 * session of its own, and when the memory budget holds one session at that size the two
 * evict each other on every call: occlusion of one ResNet-50 image (225 inputs as
 * 57 + 57 + 57 + 54) compiled three sessions in every call, 850 ms of its 9.7 s.
 *
 * @example
 * callSize(171, 54, 57); // 57
 */
export function callSize(start: number, count: number, batchSize: number): number {
  return start > 0 && batchSize - count <= batchSize / 4 ? batchSize : count;
}
