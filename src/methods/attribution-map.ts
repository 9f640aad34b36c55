/** How attributions (gradient x input, integrated gradients) become one heatmap per item. */
import type { FloatTensor } from '../numeric/float-tensor.js';
import { normalizeItems } from './maps.js';

/**
 * |sum over channels| of `[M, C, H, W]` attributions, each item scaled to [0, 1]. Channels
 * are summed before the magnitude because attributions add up (their total is the score
 * change), so a pixel whose channels cancel contributes nothing.
 *
 * @example
 * const map = attributionMap(ig.raw); // [M, H, W]
 */
export function attributionMap(attribution: FloatTensor): FloatTensor {
  const [M, C, H, W] = attribution.shape;
  const plane = H * W;
  const data = new Float32Array(M * plane);
  for (let m = 0; m < M; m++) {
    for (let c = 0; c < C; c++) {
      const base = (m * C + c) * plane;
      for (let i = 0; i < plane; i++) data[m * plane + i] += attribution.data[base + i];
    }
  }
  for (let i = 0; i < data.length; i++) data[i] = Math.abs(data[i]);
  return normalizeItems({ data, shape: [M, H, W] });
}
