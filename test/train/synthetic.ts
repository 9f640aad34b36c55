/**
 * A tiny separable image problem for training tests: one bar on a noisy dark background at
 * a seeded random position, horizontal (class 0) or vertical (class 1), with a seeded
 * brightness (the regression target). Orientation needs convolutional features and the
 * position varies, so the global-average-pooled head must really learn.
 */
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { seededNormal, seededUint32 } from '../../src/numeric/seeded-random.js';

export interface BarsData {
  x: FloatTensor;
  labels: Float32Array;
  /** The bar's brightness in [0.5, 1.5], [N, 1]. */
  brightness: FloatTensor;
}

export function orientedBars(count: number, size: number, seed: number): BarsData {
  const normal = seededNormal(seed);
  const next = seededUint32(seed + 1);
  const x = new Float32Array(count * 3 * size * size);
  const labels = new Float32Array(count);
  const brightness = new Float32Array(count);
  const length = Math.round(size / 2);
  for (let i = 0; i < count; i++) {
    labels[i] = i % 2;
    brightness[i] = 0.5 + next() / 2 ** 32;
    const [h, w] = labels[i] === 0 ? [2, length] : [length, 2];
    const top = next() % (size - h + 1);
    const left = next() % (size - w + 1);
    for (let c = 0; c < 3; c++) {
      for (let r = 0; r < size; r++) {
        for (let q = 0; q < size; q++) {
          const on = r >= top && r < top + h && q >= left && q < left + w;
          x[((i * 3 + c) * size + r) * size + q] = (on ? brightness[i] : 0) + 0.1 * normal();
        }
      }
    }
  }
  return { x: { data: x, shape: [count, 3, size, size] }, labels, brightness: { data: brightness, shape: [count, 1] } };
}
