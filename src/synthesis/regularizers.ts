/**
 * Penalties on the synthesized image, subtracted from the objective with their weights: L1
 * and L2 of the distance from grey, and total variation. All are means over the values, so
 * a weight means the same at every image size. A periodic blur is a separate, non-gradient
 * regularizer applied every `every` steps.
 */
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';

export interface Regularizers {
  l1?: number;
  l2?: number;
  tv?: number;
  /** Blur the image with a Gaussian of `sigma` pixels every `every` steps. */
  blur?: { sigma: number; every: number };
}

const bad = (message: string) => new ConvlensError('BAD_OPTION', message);

/**
 * Reads `none` or a list such as `l2:1e-3,tv:1e-2,blur:0.5:4` (blur: sigma in pixels, then
 * every how many steps).
 *
 * @example
 * parseRegularizers('l1:1e-3,tv:1e-2'); // { l1: 0.001, tv: 0.01 }
 */
export function parseRegularizers(text: string): Regularizers {
  const out: Regularizers = {};
  if (text.trim() === '' || text.trim() === 'none') return out;
  for (const part of text.split(',')) {
    const [name, ...values] = part.trim().split(':');
    const numbers = values.map(Number);
    if (numbers.length === 0 || numbers.some((v) => !Number.isFinite(v) || v < 0)) {
      throw bad(`Regularizer "${part}" needs a non-negative weight, e.g. l2:1e-3 (or blur:SIGMA:EVERY).`);
    }
    if (name === 'l1' || name === 'l2' || name === 'tv') out[name] = numbers[0];
    else if (name === 'blur') {
      if (numbers.length !== 2 || !Number.isInteger(numbers[1]) || numbers[1] < 1 || !(numbers[0] > 0)) throw bad(`Blur needs a sigma and a whole number of steps, e.g. blur:0.5:4; got "${part}".`);
      out.blur = { sigma: numbers[0], every: numbers[1] };
    } else throw bad(`Unknown regularizer "${name}"; use none, l1, l2, tv or blur.`);
  }
  return out;
}

/**
 * The weighted penalty of a `[B, C, H, W]` image and its gradient, added into `grad`
 * (negated, since the step ascends the objective minus the penalty).
 */
export function applyRegularizers(image: FloatTensor, reg: Regularizers, grad: Float32Array): number {
  const v = image.data;
  const n = v.length;
  let total = 0;
  if (reg.l1) {
    const w = reg.l1 / n;
    for (let i = 0; i < n; i++) {
      const d = v[i] - 0.5;
      total += w * Math.abs(d);
      grad[i] -= w * Math.sign(d);
    }
  }
  if (reg.l2) {
    const w = reg.l2 / n;
    for (let i = 0; i < n; i++) {
      const d = v[i] - 0.5;
      total += w * d * d;
      grad[i] -= 2 * w * d;
    }
  }
  if (reg.tv) {
    const [, , H, W] = image.shape;
    const w = reg.tv / n;
    for (let plane = 0; plane < n; plane += H * W) {
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          const i = plane + y * W + x;
          for (const j of [x + 1 < W ? i + 1 : -1, y + 1 < H ? i + W : -1]) {
            if (j < 0) continue;
            const d = v[j] - v[i];
            total += w * Math.abs(d);
            grad[j] -= w * Math.sign(d);
            grad[i] += w * Math.sign(d);
          }
        }
      }
    }
  }
  return total;
}
