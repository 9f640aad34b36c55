/**
 * Training data: validation, targets as [N, K] rows, seeded shuffling and batch gathering.
 */
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { seededUint32 } from '../numeric/seeded-random.js';
import type { LossKind } from './losses.js';

export interface TrainingData {
  /** Inputs `[N, C, H, W]`, already preprocessed as the model expects. */
  x: FloatTensor;
  /**
   * Targets. A Float32Array holds N class indices for cross-entropy, or N·K row-major values
   * for MSE; a FloatTensor `[N, K]` holds target rows (one-hot or soft classes, or values).
   */
  y: Float32Array | FloatTensor;
}

/**
 * The targets of `data` as row-major `[N, K]` rows: class indices become one-hot rows.
 *
 * @example
 * targetRows({ x, y: Float32Array.of(1, 0) }, 'cross-entropy', 3); // [0,1,0, 1,0,0]
 */
export function targetRows(data: TrainingData, loss: LossKind, k: number): Float32Array {
  const { x, y } = data;
  const n = x.shape[0];
  if (x.shape.length !== 4 || x.data.length !== x.shape.reduce((a, b) => a * b, 1)) {
    throw new ConvlensError('BAD_INPUT', `Training inputs must be a [N, C, H, W] tensor whose data matches its shape, got shape [${x.shape.join(', ')}] with ${x.data.length} values.`);
  }
  if (!(y instanceof Float32Array)) {
    if (y.shape.length !== 2 || y.shape[0] !== n || y.shape[1] !== k || y.data.length !== n * k) {
      throw new ConvlensError('BAD_INPUT', `Training targets must be [${n}, ${k}] (one row per input, one value per model output), got [${y.shape.join(', ')}].`);
    }
    return y.data;
  }
  if (loss === 'mse') {
    if (y.length !== n * k) throw new ConvlensError('BAD_INPUT', `MSE targets must hold ${n}x${k} values (one row per input), got ${y.length}.`);
    return y;
  }
  if (y.length !== n) throw new ConvlensError('BAD_INPUT', `Class labels must hold one index per input (${n}), got ${y.length}.`);
  const rows = new Float32Array(n * k);
  y.forEach((label, i) => {
    if (!Number.isInteger(label) || label < 0 || label >= k) {
      throw new ConvlensError('BAD_INPUT', `Class label ${label} of item ${i} is not an integer in [0, ${k}); the model has ${k} outputs.`);
    }
    rows[i * k + label] = 1;
  });
  return rows;
}

/**
 * A seeded shuffler: each call returns a new permutation of 0..n-1 (Fisher–Yates), the same
 * sequence of permutations for the same seed.
 *
 * @example
 * const shuffle = seededShuffler(7);
 * const epoch1 = shuffle(100), epoch2 = shuffle(100);
 */
export function seededShuffler(seed: number): (n: number) => Uint32Array {
  const next = seededUint32(seed);
  return (n) => {
    const order = Uint32Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor((next() / 2 ** 32) * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    return order;
  };
}

/**
 * Copies rows `indices` of a row-major array with `rowSize` values per row into one
 * contiguous batch.
 *
 * @example
 * gatherRows(Float32Array.of(1, 2, 3, 4, 5, 6), 2, [2, 0]); // [5, 6, 1, 2]
 */
export function gatherRows(source: Float32Array, rowSize: number, indices: ArrayLike<number>): Float32Array {
  const out = new Float32Array(indices.length * rowSize);
  for (let i = 0; i < indices.length; i++) {
    const from = indices[i] * rowSize;
    out.set(source.subarray(from, from + rowSize), i * rowSize);
  }
  return out;
}
