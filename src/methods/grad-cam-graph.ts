/**
 * Grad-CAM's maps computed in the gradient graph itself: the weighted sum of channels, the
 * ReLU, the bilinear upsampling and the per-item scaling run as kernels of the backward run.
 * A call then copies out two maps instead of the layer's activations and does no arithmetic
 * of its own after the run: on MobileNetV3 (a 26 ms forward at batch 8) that JavaScript took
 * 5 to 7 ms per call, where the added kernels take 0.3 ms.
 */
import type { GradientOutputs } from '../autodiff/gradient-graph.js';
import { bilinearMatrix } from '../image/resize.js';
import { DataType, type ValueInfo } from '../onnx/types.js';
import { valueInfo } from '../onnx/variants.js';
import type { GraphExtension } from './passes.js';

/**
 * Appends Grad-CAM for layer tensor `A` to a gradient graph whose gradient of `A` is averaged
 * over its spatial dims: `raw` = relu(sum_c mean(dA_c) A_c) `[N, h, w]`, and `map` = raw
 * upsampled bilinearly to `H x W` (PyTorch align_corners=False taps, as a product with
 * fixed matrices) and scaled to [0, 1] per item, all zeros where an item is flat.
 */
function gradCamNodes(g: GradientOutputs, A: string, H: number, W: number): { raw: ValueInfo; map: ValueInfo } {
  const { b } = g;
  const activations = g.forward(A);
  const [N, C, h, w] = b.shapeOf(activations);
  const weights = b.reshape(g.gradient(A), [N, 1, C]);
  const summed = b.op('MatMul', [weights, b.reshape(activations, [N, C, h * w])]);
  const raw = b.op('Relu', [b.reshape(summed, [N, h, w])]);
  const rows = b.op('MatMul', [raw, b.constF(transposed(bilinearMatrix(w, W), W, w), [w, W])]);
  const up = b.op('MatMul', [b.constF(bilinearMatrix(h, H), [H, h]), rows]);
  const lo = b.reduceMin(up, [1, 2], true);
  const range = b.op('Sub', [b.reduceMax(up, [1, 2], true), lo]);
  // 1 / range for items with a range, 0 for flat ones, without Where (opset 9) or a division by 0.
  const wide = b.op('Cast', [b.op('Greater', [range, b.scalarF(0)])], { to: DataType.FLOAT });
  const factor = b.op('Div', [wide, b.op('Add', [range, b.op('Sub', [b.scalarF(1), wide])])]);
  const map = b.op('Mul', [b.op('Sub', [up, lo]), factor]);
  return { raw: valueInfo(raw, DataType.FLOAT, [N, h, w]), map: valueInfo(map, DataType.FLOAT, [N, H, W]) };
}

/** `m` (`rows x cols`, row-major) transposed. */
function transposed(m: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(m.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = m[r * cols + c];
  return t;
}

/**
 * The extension that returns `raw:T` and `map:T` for each layer tensor T of `tensors`, for a
 * backward request that differentiates them with their spatial means.
 *
 * @example
 * const r = await backward(model, x, { target: 281, wrt: [t], spatialMeans: [t], extension: gradCamMaps([t], 224, 224) });
 * r.extended[`map:${t}`].shape; // [1, 224, 224]
 */
export function gradCamMaps(tensors: string[], H: number, W: number): GraphExtension {
  return {
    key: `gradcam ${H}x${W}`,
    results: tensors.flatMap((t) => [`raw:${t}`, `map:${t}`]),
    build: (g) => Object.fromEntries(tensors.flatMap((t) => {
      const { raw, map } = gradCamNodes(g, t, H, W);
      return [[`raw:${t}`, raw], [`map:${t}`, map]];
    })),
  };
}
