/**
 * A hand-set model that reads one region of its input only: logit 0 is a weighted sum of the
 * pixels of a 3 x 3 region in both channels, logit 1 is 0. Every metric's right answer follows
 * from these weights with plain arithmetic, without running a model.
 */
import { loadModel } from '../../src/node/index.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { float32Tensor } from '../../src/onnx/tensor.js';
import { DataType, type Model } from '../../src/onnx/types.js';
import type { ConvlensModel } from '../../src/engine/model.js';

export const C = 2;
export const H = 8;
export const W = 8;
export const plane = H * W;
/** Rows 2..4 and columns 3..5. */
export const inRegion = (p: number) => Math.floor(p / W) >= 2 && Math.floor(p / W) <= 4 && p % W >= 3 && p % W <= 5;
export const bias = -1.5;

/** Weight of channel c at pixel p: distinct positive values inside the region, 0 outside. */
export function weight(c: number, p: number): number {
  return inRegion(p) ? 0.2 + 0.05 * (c * plane + p) / 8 : 0;
}

/** logit 0 - logit 1 of one `[C, H, W]` item, computed directly. */
export function margin(item: ArrayLike<number>): number {
  let s = bias;
  for (let c = 0; c < C; c++) for (let p = 0; p < plane; p++) s += weight(c, p) * item[c * plane + p];
  return s;
}

/** The probability of class 0. */
export const probability = (item: ArrayLike<number>) => 1 / (1 + Math.exp(-margin(item)));

export function regionModel(): Promise<ConvlensModel> {
  const B = new Float32Array(2 * C * plane);
  for (let c = 0; c < C; c++) for (let p = 0; p < plane; p++) B[c * plane + p] = weight(c, p);
  const model: Model = {
    irVersion: 8, opsets: [{ domain: '', version: 17 }], producerName: 'test', producerVersion: '', metadata: {}, functions: [],
    graph: {
      name: 'region',
      nodes: [
        { name: 'flatten', opType: 'Flatten', domain: '', inputs: ['input'], outputs: ['flat'], attributes: { axis: { kind: 'int', value: 1 } }, metadata: {} },
        { name: 'fc', opType: 'Gemm', domain: '', inputs: ['flat', 'fc.weight', 'fc.bias'], outputs: ['logits'], attributes: { transB: { kind: 'int', value: 1 } }, metadata: {} },
      ],
      inputs: [{ name: 'input', elemType: DataType.FLOAT, shape: ['batch', C, H, W] }],
      outputs: [{ name: 'logits', elemType: DataType.FLOAT, shape: ['batch', 2] }],
      initializers: new Map([['fc.weight', float32Tensor('fc.weight', [2, C * plane], B)], ['fc.bias', float32Tensor('fc.bias', [2], [bias, 0])]]),
      valueInfo: [],
    },
  };
  return loadModel(encodeModel(model), { preprocess: 'unit' });
}
