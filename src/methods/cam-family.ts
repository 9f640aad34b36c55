/**
 * Grad-CAM++ and Layer-CAM: Grad-CAM's relatives that read the same backward pass (layer
 * activations and gradients) and only weigh them differently.
 */
import type { ConvlensModel } from '../engine/model.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { gradientCams, type CamOptions, type CamResult } from './grad-cam.js';
import { weightedSum } from './maps.js';

/**
 * Grad-CAM++ channel weights (Chattopadhay et al., with the usual exponential-free closed
 * form): alpha = g^2 / (2 g^2 + (sum_ij A_k) g^3), the denominator replaced by 1 where it is 0,
 * and w_k = sum_ij alpha * relu(g). The map is relu(sum_k w_k A_k).
 */
export function gradCamPlusPlusRule(A: FloatTensor, G: FloatTensor): FloatTensor {
  const [M, C, h, w] = A.shape;
  const plane = h * w;
  const weights = new Float32Array(M * C);
  for (let k = 0; k < M * C; k++) {
    const base = k * plane;
    let activationSum = 0;
    for (let i = 0; i < plane; i++) activationSum += A.data[base + i];
    let wk = 0;
    for (let i = 0; i < plane; i++) {
      const g = G.data[base + i];
      if (g <= 0) continue; // relu(g) = 0: the pixel adds nothing to w_k
      const g2 = g * g;
      const denom = 2 * g2 + activationSum * g2 * g;
      wk += (g2 / (denom === 0 ? 1 : denom)) * g;
    }
    weights[k] = wk;
  }
  return weightedSum(A, weights);
}

/** Layer-CAM's rule: every activation weighted by its own positive gradient, relu(sum_k relu(g) * A_k). */
export function layerCamRule(A: FloatTensor, G: FloatTensor): FloatTensor {
  const [M, C, h, w] = A.shape;
  const plane = h * w;
  const data = new Float32Array(M * plane);
  for (let m = 0; m < M; m++) {
    const out = data.subarray(m * plane, (m + 1) * plane);
    for (let c = 0; c < C; c++) {
      const base = (m * C + c) * plane;
      for (let i = 0; i < plane; i++) {
        const g = G.data[base + i];
        if (g > 0) out[i] += g * A.data[base + i];
      }
    }
    for (let i = 0; i < plane; i++) if (out[i] < 0) out[i] = 0;
  }
  return { data, shape: [M, h, w] };
}

/**
 * Grad-CAM++: like Grad-CAM, but each channel's weight sums its positive gradients with
 * per-pixel coefficients, so several instances of a class all light up.
 *
 * @example
 * const cam = await gradCamPlusPlus(model, x, { layer: 'layer4', target: 281 });
 * cam.raw.shape; // [1, 7, 7]
 */
export function gradCamPlusPlus(model: ConvlensModel, x: FloatTensor, options: CamOptions = {}): Promise<CamResult> {
  return gradientCams(model, x, options, gradCamPlusPlusRule);
}

/**
 * Layer-CAM (Jiang et al.): activations weighted pixel by pixel by their positive gradients;
 * finer than Grad-CAM at early layers, where averaged gradients blur.
 *
 * @example
 * const cam = await layerCam(model, x, { layer: ['layer2', 'layer4'], target: 281 });
 * cam.layers.map((l) => l.raw.shape); // [[1, 28, 28], [1, 7, 7]]
 */
export function layerCam(model: ConvlensModel, x: FloatTensor, options: CamOptions = {}): Promise<CamResult> {
  return gradientCams(model, x, options, layerCamRule);
}
