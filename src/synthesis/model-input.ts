/**
 * From a synthesized `[0, 1]` RGB image to the model's input and back: the sampled
 * transformation, the channel order (BGR models), and the model's normalization, with the
 * exact adjoint of each so gradients reach the image.
 */
import type { ConvlensModel } from '../engine/model.js';
import { resolveNormalization } from '../preprocess/preprocess-images.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { sampleImage, sampleImageAdjoint, type SamplingTable } from './transforms.js';

/** Grey, the colour outside the image after padding, rotation and jitter. */
const FILL = 0.5;

/** Per model channel: which image channel it reads, and `x = v * gain + offset`. */
export interface ChannelMap {
  source: number[];
  gain: number[];
  offset: number[];
}

/**
 * How the model's preprocessing maps `[0, 1]` colour values to its input channels.
 *
 * @example
 * channelMap(model).gain; // imagenet: [1 / 0.229, 1 / 0.224, 1 / 0.225]
 */
export function channelMap(model: ConvlensModel): ChannelMap {
  const channels = model.itemShape[0];
  const { mean, std, scale } = resolveNormalization(model.preprocessSpec);
  const bgr = model.preprocessSpec.channelOrder === 'BGR' && channels === 3;
  const source = Array.from({ length: channels }, (_, c) => (bgr ? 2 - c : c));
  const stat = (v: number[], c: number) => v[Math.min(c, 2)];
  return {
    source,
    gain: source.map((_, c) => scale / stat(std, c)),
    offset: source.map((_, c) => -stat(mean, c) / stat(std, c)),
  };
}

/** Model input `[B, C, h, w]` of images `[B, C, H, W]`, each item through its table (or as is when null). */
export function toModelInput(image: FloatTensor, tables: (SamplingTable | null)[], map: ChannelMap, target: [number, number]): FloatTensor {
  const [B, C, H, W] = image.shape;
  const [h, w] = target;
  const out = new Float32Array(B * C * h * w);
  for (let n = 0; n < B; n++) {
    const item = image.data.subarray(n * C * H * W, (n + 1) * C * H * W);
    const sampled = tables[n] ? sampleImage(item, C, tables[n]!, FILL) : item;
    for (let c = 0; c < C; c++) {
      const src = map.source[c] * h * w, dst = (n * C + c) * h * w;
      const gain = map.gain[c], offset = map.offset[c];
      for (let p = 0; p < h * w; p++) out[dst + p] = sampled[src + p] * gain + offset;
    }
  }
  return { data: out, shape: [B, C, h, w] };
}

/** The adjoint of {@link toModelInput}: input gradients `[B, C, h, w]` to image gradients `[B, C, H, W]`. */
export function toModelInputAdjoint(grad: FloatTensor, tables: (SamplingTable | null)[], map: ChannelMap, source: [number, number]): Float32Array {
  const [B, C, h, w] = grad.shape;
  const [H, W] = source;
  const out = new Float32Array(B * C * H * W);
  const item = new Float32Array(C * h * w);
  for (let n = 0; n < B; n++) {
    for (let c = 0; c < C; c++) {
      const dst = map.source[c] * h * w, src = (n * C + c) * h * w;
      for (let p = 0; p < h * w; p++) item[dst + p] = grad.data[src + p] * map.gain[c];
    }
    out.set(tables[n] ? sampleImageAdjoint(item, C, tables[n]!) : item, n * C * H * W);
  }
  return out;
}
