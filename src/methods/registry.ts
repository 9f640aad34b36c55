/**
 * Every explanation method under one name, as the CLI and reports call them. A method
 * returns per-item raw maps plus the items' images and targets; rendering is separate.
 */
import type { ProgressOptions } from '../engine/engine.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../image/types.js';
import type { Baseline } from './baselines.js';
import { gradCam } from './cam.js';
import { gradCamPlusPlus, layerCam } from './cam-family.js';
import { classActivationMap } from './class-activation-map.js';
import { gradientTimesInput } from './grad-x-input.js';
import { saliency, type ExplainedItems } from './gradients.js';
import { integratedGradients } from './integrated-gradients.js';
import { guidedGradCam } from './guided-gradcam.js';
import { occlusion, type OcclusionFill, type OcclusionUnit } from './occlusion.js';
import { scoreCam } from './score-cam.js';
import { smoothGrad } from './smoothgrad.js';
import type { Target } from './targets.js';

export interface MethodOptions extends ProgressOptions {
  target?: Target;
  /** Model output the target refers to (default: the first). */
  output?: string;
  layer?: string;
  /** SmoothGrad: noisy copies per image, noise level, seed. */
  samples?: number;
  noise?: number;
  seed?: number;
  /** Integrated gradients: path steps and start. */
  steps?: number;
  baseline?: Baseline;
  /** Occlusion: patch size, stride and fill. */
  patch?: number | [number, number];
  stride?: number | [number, number];
  fill?: OcclusionFill;
  /** Occlusion: score a unit of a layer instead of a target output. */
  unit?: OcclusionUnit;
}

export interface MethodOutput extends ExplainedItems {
  /** The raw map: `[M, C, H, W]` input gradients, or `[M, h, w]` layer-resolution maps. */
  raw: FloatTensor;
  /** `[M, H, W]` in [0, 1] at input resolution, for heatmap overlays. */
  map: FloatTensor;
  /** How the result is best shown: signed input gradients or a heatmap. */
  display: 'gradient' | 'heatmap';
}

export interface MethodEntry {
  name: string;
  description: string;
  /** Whether the method needs a gradient graph (so every op must have a VJP rule). */
  gradients: boolean;
  usesLayer: boolean;
  run(model: ConvlensModel, x: FloatTensor, options: MethodOptions): Promise<MethodOutput>;
}

const gradientMethod = (name: string, rule: 'vanilla' | 'guided' | 'deconvnet', description: string): MethodEntry => ({
  name, description, gradients: true, usesLayer: false,
  run: async (model, x, o) => ({ ...(await saliency(model, x, { ...o, rule })), display: 'gradient' }),
});

export const methodRegistry: readonly MethodEntry[] = [
  gradientMethod('saliency', 'vanilla', 'gradient of the target score with respect to the input pixels'),
  gradientMethod('guided', 'guided', 'guided backpropagation: only positive gradients through ReLUs'),
  gradientMethod('deconvnet', 'deconvnet', 'deconvnet: ReLUs pass positive gradients whatever the input'),
  {
    name: 'gradxinput', description: 'gradient times input', gradients: true, usesLayer: false,
    run: async (model, x, o) => ({ ...(await gradientTimesInput(model, x, o)), display: 'gradient' }),
  },
  {
    name: 'smoothgrad', description: 'SmoothGrad: gradients averaged over noisy copies of the input', gradients: true, usesLayer: false,
    run: async (model, x, o) => ({ ...(await smoothGrad(model, x, o)), display: 'gradient' }),
  },
  {
    name: 'ig', description: 'integrated gradients along the path from a baseline to the input', gradients: true, usesLayer: false,
    run: async (model, x, o) => ({ ...(await integratedGradients(model, x, o)), display: 'gradient' }),
  },
  {
    name: 'gradcam', description: 'Grad-CAM: layer channels weighted by their mean gradient', gradients: true, usesLayer: true,
    run: async (model, x, o) => ({ ...(await gradCam(model, x, o)), display: 'heatmap' }),
  },
  {
    name: 'gradcam++', description: 'Grad-CAM++: channels weighted by positive gradients with higher-order terms', gradients: true, usesLayer: true,
    run: async (model, x, o) => ({ ...(await gradCamPlusPlus(model, x, o)), display: 'heatmap' }),
  },
  {
    name: 'layercam', description: 'Layer-CAM: activations weighted by their own positive gradients', gradients: true, usesLayer: true,
    run: async (model, x, o) => ({ ...(await layerCam(model, x, o)), display: 'heatmap' }),
  },
  {
    name: 'cam', description: 'CAM: the classifier weights of a global-pool-then-linear head over the pooled layer', gradients: false, usesLayer: false,
    run: async (model, x, o) => ({ ...(await classActivationMap(model, x, o)), display: 'heatmap' }),
  },
  {
    name: 'scorecam', description: 'Score-CAM: channels weighted by the score of the input masked with each channel', gradients: false, usesLayer: true,
    run: async (model, x, o) => ({ ...(await scoreCam(model, x, o)), display: 'heatmap' }),
  },
  {
    name: 'guided-gradcam', description: 'guided Grad-CAM: guided backpropagation times the upsampled Grad-CAM map', gradients: true, usesLayer: true,
    run: async (model, x, o) => ({ ...(await guidedGradCam(model, x, o)), display: 'gradient' }),
  },
  {
    name: 'occlusion', description: 'occlusion: score drop when a patch of the input is covered', gradients: false, usesLayer: false,
    run: async (model, x, o) => ({ ...(await occlusion(model, x, o)), display: 'heatmap' }),
  },
];

/** Looks a method up by name; `BAD_OPTION` lists the known names. */
export function findMethod(name: string): MethodEntry {
  const m = methodRegistry.find((e) => e.name === name);
  if (!m) throw new ConvlensError('BAD_OPTION', `Unknown method "${name}"; use one of ${methodRegistry.map((e) => e.name).join(', ')}.`);
  return m;
}
