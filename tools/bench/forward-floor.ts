/**
 * The floor that batched-forward methods (Score-CAM, occlusion) are measured against: the
 * lowest per-image time of a plain forward pass over batch sizes 1, 2, 4... up to `largest`.
 */
import type { ConvlensModel } from '../../src/engine/model.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { forward } from '../../src/methods/passes.js';
import { repeatItems, warmMedianMs } from './timing.js';

export interface ForwardFloor {
  perBatch: { batch: number; msPerImage: number }[];
  bestBatch: number;
  msPerImage: number;
}

/** Powers of two up to `largest` plus `extra` sizes, or only the model's fixed batch. */
export async function forwardFloor(model: ConvlensModel, x: FloatTensor, largest: number, extra: number[] = []): Promise<ForwardFloor> {
  const fixed = model.engine.fixedBatch;
  const capped = Math.max(1, Math.min(largest, model.engine.chunkSize(model.itemShape, largest, 1)));
  const powers = Array.from({ length: Math.floor(Math.log2(capped)) + 1 }, (_, i) => 2 ** i);
  const sizes = fixed ? [fixed] : [...new Set([...powers, ...extra.filter((b) => b <= capped)])].sort((a, b) => a - b);
  const perBatch: ForwardFloor['perBatch'] = [];
  for (const batch of sizes) {
    const input = repeatItems(x, batch);
    perBatch.push({ batch, msPerImage: (await warmMedianMs(() => forward(model, input, [model.outputName]), 3)) / batch });
  }
  const best = perBatch.reduce((a, b) => (b.msPerImage < a.msPerImage ? b : a));
  return { perBatch, bestBatch: best.batch, msPerImage: best.msPerImage };
}
