/**
 * Score-CAM (Wang et al., 2020): each channel of a layer, upsampled and scaled to [0, 1],
 * masks the input; the target's softmax score on the masked input is the channel's weight.
 * No gradients, one forward pass per channel and image, all batched through the engine.
 */
import type { ConvlensModel } from '../engine/model.js';
import { MapResizer } from '../image/resize.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { valueRange } from '../numeric/value-range.js';
import { weightedSum } from './maps.js';
import { callSize, camMap, explainedItems, forwardBatchSize, itemsByImage, spatialLayer, type CamMap, type ExplainedItems, type TargetOptions } from './method-skeleton.js';
import { forward, targetPass } from './passes.js';
import { gatherItems } from './targets.js';

export interface ScoreCamOptions extends TargetOptions {
  /** Layer (module path, node or tensor name); default: the last spatial layer. */
  layer?: string;
  /** Masked inputs built and run per forward call; default what the memory budget allows, at most 16. */
  batchSize?: number;
}

export interface ScoreCamResult extends CamMap, ExplainedItems {
  /** `[M, K]`: the target's softmax score on the input masked by each of the layer's K channels. */
  channelScores: FloatTensor;
}

const MAX_BATCH = 16;

/**
 * Masked inputs Score-CAM builds and runs per forward call by default, for `total` of them:
 * what one engine chunk holds (so calls are not split again), at most 16: on CPU the cost per
 * item stops falling by batches of 8 to 16, and larger batches spill the caches (a ResNet-50
 * at 64 x 64 took 5 ms per image at batch 8 and 13 ms at batch 64).
 *
 * @example
 * scoreCamBatchSize(model, 2048); // 13 for a 224 x 224 ResNet-50 under a 2 GiB budget
 */
export function scoreCamBatchSize(model: ConvlensModel, total: number): number {
  return forwardBatchSize(model, total, MAX_BATCH);
}

/** `<seed, softmax(logits)>` over one output item. */
function softmaxScore(logits: Float32Array, seed: Float32Array): number {
  let max = -Infinity;
  for (const v of logits) if (v > max) max = v;
  let total = 0;
  let weighted = 0;
  for (let j = 0; j < logits.length; j++) {
    const e = Math.exp(logits[j] - max);
    total += e;
    weighted += seed[j] * e;
  }
  return weighted / total;
}

/**
 * Builds masked inputs `x_n * normalize(upsample(A[n, k]))`. This is Score-CAM's only work
 * besides the forward passes, once per channel and image, so the interpolation taps and the
 * buffers are made once per call rather than once per channel (as `resizeMap` would).
 */
class MaskedInputs {
  private readonly resizer: MapResizer;
  private readonly up: Float32Array;

  constructor(private readonly x: FloatTensor, private readonly A: FloatTensor) {
    const [, , H, W] = x.shape;
    const [, , h, w] = A.shape;
    this.resizer = new MapResizer(h, w, H, W);
    this.up = new Float32Array(H * W);
  }

  /** Writes the input masked by channel `k` of item `n` into `out` (`[C, H, W]`). */
  write(out: Float32Array, n: number, k: number): void {
    const [, C, H, W] = this.x.shape;
    const [, K, h, w] = this.A.shape;
    const up = this.up;
    this.resizer.resize(this.A.data.subarray((n * K + k) * h * w, (n * K + k + 1) * h * w), up);
    const [lo, hi] = valueRange(up);
    const plane = H * W;
    if (!(hi > lo)) { out.fill(0, 0, C * plane); return; } // a flat channel masks everything
    const scale = 1 / (hi - lo);
    for (let c = 0; c < C; c++) {
      const from = (n * C + c) * plane;
      for (let i = 0; i < plane; i++) out[c * plane + i] = this.x.data[from + i] * ((up[i] - lo) * scale);
    }
  }
}

/** Whether `[h, w]` plane `k` of item `n` is flat (so its mask is all zeros). */
function isFlat(A: FloatTensor, n: number, k: number): boolean {
  const [, K, h, w] = A.shape;
  const plane = A.data.subarray((n * K + k) * h * w, (n * K + k + 1) * h * w);
  return plane.every((v) => v === plane[0]);
}

/**
 * Score-CAM: channel weights are the target's softmax scores on the input masked by each
 * upsampled, min-max scaled channel; the map is relu(sum_k score_k A_k) at the layer's
 * resolution. Flat channels mask the whole input, so their shared score (that of an all-zero
 * input) is computed once. Cost: about one forward pass per channel and image.
 *
 * @example
 * const cam = await scoreCam(model, x, { layer: 'layer4', target: 281, onProgress: (d, t) => bar.update(d / t) });
 * cam.channelScores.shape; // [1, 2048]
 */
export async function scoreCam(model: ConvlensModel, x: FloatTensor, options: ScoreCamOptions = {}): Promise<ScoreCamResult> {
  model.checkInput(x);
  const { name, tensor } = spatialLayer(model, options.layer);
  const { signal } = options;
  const { output, targets, tensors: first } = await targetPass(model, x, options, [tensor]);
  const A = first[tensor];
  const [N, K] = A.shape;
  const M = targets.image.length;
  const outputs = targets.seeds.data.length / M;
  const seedOf = (m: number) => targets.seeds.data.subarray(m * outputs, (m + 1) * outputs);
  const itemsOf = itemsByImage(targets.image, N);

  // Jobs are (n, k) pairs as n * K + k; -1 is the all-zero input every flat channel shares.
  const flat: number[] = [];
  const jobs: number[] = [];
  for (let j = 0; j < N * K; j++) (isFlat(A, Math.floor(j / K), j % K) ? flat : jobs).push(j);
  if (flat.length > 0) jobs.unshift(-1);

  const batchSize = forwardBatchSize(model, jobs.length, MAX_BATCH, options.batchSize);
  const scores = new Float32Array(M * K);
  const zeroScores = new Float32Array(M);
  const itemSize = x.data.length / N;
  const masked = new MaskedInputs(x, A);
  // One buffer for every batch: onnxruntime is done with it once `forward` resolves.
  const buffer = new Float32Array(Math.min(batchSize, jobs.length) * itemSize);
  for (let start = 0; start < jobs.length; start += batchSize) {
    const count = Math.min(batchSize, jobs.length - start);
    // Items past `count` in a padded last call are the previous call's, scored and ignored.
    const items = callSize(start, count, batchSize);
    const data = buffer.subarray(0, items * itemSize);
    for (let i = 0; i < count; i++) {
      const j = jobs[start + i];
      const item = data.subarray(i * itemSize, (i + 1) * itemSize);
      if (j < 0) item.fill(0);
      else masked.write(item, Math.floor(j / K), j % K);
    }
    const out = (await forward(model, { data, shape: [items, ...x.shape.slice(1)] }, [output], {
      signal,
      onProgress: (done) => options.onProgress?.(start + Math.min(done, count), jobs.length),
    }))[output];
    for (let i = 0; i < count; i++) {
      const j = jobs[start + i];
      const logits = out.data.subarray(i * outputs, (i + 1) * outputs);
      if (j < 0) for (let m = 0; m < M; m++) zeroScores[m] = softmaxScore(logits, seedOf(m));
      else for (const m of itemsOf[Math.floor(j / K)]) scores[m * K + (j % K)] = softmaxScore(logits, seedOf(m));
    }
  }
  for (const j of flat) for (const m of itemsOf[Math.floor(j / K)]) scores[m * K + (j % K)] = zeroScores[m];

  const raw = weightedSum(gatherItems(A, targets.image), scores);
  return {
    ...camMap(model, name, raw), channelScores: { data: scores, shape: [M, K] },
    ...explainedItems(targets, gatherItems(first[output], targets.image)),
  };
}
