/**
 * Explanation maps as the metrics read them: one relevance value per input pixel, and the
 * pixels ordered from most to least relevant.
 */
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { maxAbsOverChannels } from '../methods/maps.js';

/**
 * One `[H, W]` relevance map per image: `[N, H, W]` maps are used as given; `[N, C, H, W]`
 * input gradients become the largest |value| over channels, as the gradient methods' maps do.
 */
export function relevanceMaps(explanation: FloatTensor, inputShape: number[]): FloatTensor {
  const [N, , H, W] = inputShape;
  const shape = Array.isArray(explanation?.shape) ? explanation.shape : [];
  const fits = explanation?.data instanceof Float32Array && explanation.data.length === shape.reduce((a, b) => a * b, 1)
    && shape[0] === N && shape.at(-2) === H && shape.at(-1) === W && (shape.length === 3 || shape.length === 4);
  if (!fits) {
    throw new ConvlensError('BAD_INPUT',
      `The explanation has shape [${shape.join(', ')}] but the input is [${inputShape.join(', ')}]; give one map per image at the input's resolution, [${N}, ${H}, ${W}] (a method result's map) or [${N}, C, ${H}, ${W}].`);
  }
  if (!explanation.data.every(Number.isFinite)) throw new ConvlensError('BAD_INPUT', 'The explanation contains NaN or infinite values.');
  return shape.length === 3 ? explanation : maxAbsOverChannels(explanation);
}

/** Pixel indices of one map from most to least relevant; ties keep row-major order, so the order is reproducible. */
export function pixelOrder(map: Float32Array): Uint32Array {
  const order = Uint32Array.from(map.keys());
  return order.sort((a, b) => map[b] - map[a] || a - b);
}

/** Item `n` of a `[N, ...]` tensor as a view. */
export function itemOf(t: FloatTensor, n: number): Float32Array {
  const size = t.data.length / t.shape[0];
  return t.data.subarray(n * size, (n + 1) * size);
}
