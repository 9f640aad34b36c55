/**
 * Every explanation method under one name, as the CLI and reports call them. A method
 * returns per-item raw maps plus the items' images and targets; rendering is separate.
 */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { gradCam } from './grad-cam.js';
import { gradCamPlusPlus, layerCam } from './cam-family.js';
import { classActivationMap, findCamHead } from './class-activation-map.js';
import { gradientTimesInput } from './grad-x-input.js';
import { saliency } from './saliency.js';
import { integratedGradients, type IntegratedGradientsOptions } from './integrated-gradients.js';
import { guidedGradCam } from './guided-gradcam.js';
import { occlusion, type OcclusionOptions } from './occlusion.js';
import {
  integratedGradientsOptionSpecs, occlusionOptionSpecs, saliencyOptionSpecs, scoreCamOptionSpecs, smoothGradOptionSpecs, type OptionSpec,
} from './option-specs.js';
import type { ExplainedItems, TargetOptions } from './method-skeleton.js';
import { scoreCam, type ScoreCamOptions } from './score-cam.js';
import { smoothGrad, type SmoothGradOptions } from './smoothgrad.js';

/** Options every method shares: what to explain, in which output, at which layer. */
export interface SharedMethodOptions extends TargetOptions {
  /** Layer of the CAM methods (module path, node or tensor name); default the last spatial layer. */
  layer?: string;
}

/**
 * Every method's options in one bag: each method reads its own keys (see each entry's
 * `options`) and ignores the rest.
 */
export type MethodOptions = SharedMethodOptions
  & Omit<SmoothGradOptions & IntegratedGradientsOptions & OcclusionOptions & ScoreCamOptions, keyof SharedMethodOptions>;

export interface MethodOutput extends ExplainedItems {
  /** The raw map: `[M, C, H, W]` input gradients, or `[M, h, w]` layer-resolution maps. */
  raw: FloatTensor;
  /** `[M, H, W]` in [0, 1] at input resolution, for heatmap overlays. */
  map: FloatTensor;
  /** How the result is best shown: signed input gradients or a heatmap. */
  display: 'gradient' | 'heatmap';
  /** The layer a CAM method mapped (as given, or the default it chose). */
  layer?: string;
}

export interface MethodEntry {
  name: string;
  description: string;
  /** Whether the method needs a gradient graph (so every op must have a VJP rule). */
  gradients: boolean;
  usesLayer: boolean;
  /** How its results are shown: signed input gradients or a heatmap over the picture (as `MethodOutput.display`). */
  display: MethodOutput['display'];
  /** The method's own options (beyond {@link SharedMethodOptions}), by option key. */
  options: Readonly<Record<string, OptionSpec>>;
  run(model: ConvlensModel, x: FloatTensor, options: MethodOptions): Promise<MethodOutput>;
  /** What the method needs of the model beyond a layer and a target; throws the method's error when it is missing. */
  requires?(model: ConvlensModel, options: MethodOptions & { output: string }): void;
}

const gradientMethod = (name: string, rule: 'vanilla' | 'guided' | 'deconvnet', description: string): MethodEntry => ({
  name, description, gradients: true, usesLayer: false, display: 'gradient', options: {},
  run: async (model, x, o) => ({ ...(await saliency(model, x, { ...o, rule })), display: 'gradient' }),
});

export const methodRegistry: readonly MethodEntry[] = [
  gradientMethod('saliency', 'vanilla', 'gradient of the target score with respect to the input pixels'),
  gradientMethod('guided', 'guided', 'guided backpropagation: only positive gradients through ReLUs'),
  gradientMethod('deconvnet', 'deconvnet', 'deconvnet: ReLUs pass positive gradients whatever the input'),
  {
    name: 'gradxinput', description: 'gradient times input', gradients: true, usesLayer: false, display: 'gradient', options: saliencyOptionSpecs,
    run: async (model, x, o) => ({ ...(await gradientTimesInput(model, x, o)), display: 'gradient' }),
  },
  {
    name: 'smoothgrad', description: 'SmoothGrad: gradients averaged over noisy copies of the input', gradients: true, usesLayer: false, display: 'gradient', options: smoothGradOptionSpecs,
    run: async (model, x, o) => ({ ...(await smoothGrad(model, x, o)), display: 'gradient' }),
  },
  {
    name: 'ig', description: 'integrated gradients along the path from a baseline to the input', gradients: true, usesLayer: false, display: 'gradient', options: integratedGradientsOptionSpecs,
    run: async (model, x, o) => ({ ...(await integratedGradients(model, x, o)), display: 'gradient' }),
  },
  {
    name: 'gradcam', description: 'Grad-CAM: layer channels weighted by their mean gradient', gradients: true, usesLayer: true, display: 'heatmap', options: {},
    run: async (model, x, o) => ({ ...(await gradCam(model, x, o)), display: 'heatmap' }),
  },
  {
    name: 'gradcam++', description: 'Grad-CAM++: channels weighted by positive gradients with higher-order terms', gradients: true, usesLayer: true, display: 'heatmap', options: {},
    run: async (model, x, o) => ({ ...(await gradCamPlusPlus(model, x, o)), display: 'heatmap' }),
  },
  {
    name: 'layercam', description: 'Layer-CAM: activations weighted by their own positive gradients', gradients: true, usesLayer: true, display: 'heatmap', options: {},
    run: async (model, x, o) => ({ ...(await layerCam(model, x, o)), display: 'heatmap' }),
  },
  {
    name: 'cam', description: 'CAM: the classifier weights of a global-pool-then-linear head over the pooled layer', gradients: false, usesLayer: false, display: 'heatmap', options: {},
    run: async (model, x, o) => ({ ...(await classActivationMap(model, x, o)), display: 'heatmap' }),
    requires: (model, o) => { findCamHead(model, o.output); },
  },
  {
    name: 'scorecam', description: 'Score-CAM: channels weighted by the score of the input masked with each channel', gradients: false, usesLayer: true, display: 'heatmap', options: scoreCamOptionSpecs,
    run: async (model, x, o) => ({ ...(await scoreCam(model, x, o)), display: 'heatmap' }),
  },
  {
    name: 'guided-gradcam', description: 'guided Grad-CAM: guided backpropagation times the upsampled Grad-CAM map', gradients: true, usesLayer: true, display: 'gradient', options: {},
    run: async (model, x, o) => ({ ...(await guidedGradCam(model, x, o)), display: 'gradient' }),
  },
  {
    name: 'occlusion', description: 'occlusion: score drop when a patch of the input is covered', gradients: false, usesLayer: false, display: 'heatmap', options: occlusionOptionSpecs,
    run: async (model, x, o) => ({ ...(await occlusion(model, x, o)), display: 'heatmap' }),
  },
];

/** Looks a method up by name; `BAD_OPTION` lists the known names. */
export function findMethod(name: string): MethodEntry {
  const m = methodRegistry.find((e) => e.name === name);
  if (!m) throw new ConvlensError('BAD_OPTION', `Unknown method "${name}"; use one of ${methodRegistry.map((e) => e.name).join(', ')}.`);
  return m;
}
