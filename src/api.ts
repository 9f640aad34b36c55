/** The platform-independent public API; src/node and src/browser add loading and codecs. */
export { ConvlensError, type ConvlensErrorCode } from './errors.js';
export { ConvlensModel, type ModelOptions } from './engine/model.js';
export type { Runtime } from './engine/runtime.js';
export type { ProgressOptions } from './engine/engine.js';
export type { FloatTensor, RgbImage } from './image/types.js';
export type { PreprocessSpec } from './image/preprocess.js';
export type { Layer } from './onnx/layers.js';
export { saliency, type SaliencyOptions, type SaliencyResult, type SaliencyRule } from './methods/gradients.js';
export { gradCam, defaultCamLayer, type CamOptions, type CamResult, type CamMap } from './methods/cam.js';
export type { Target } from './methods/targets.js';
export { forward } from './methods/passes.js';
export { buildGradientGraph, type GradientRequest, type GradientGraph } from './autodiff/gradient-graph.js';
export { decodeModel, encodeModel } from './onnx/codec.js';
export { overlayHeatmap, saliencyToImage } from './image/overlay.js';
export { applyColormap } from './image/colormap.js';
export { encodePng } from './image/png.js';
export { encodeNpy } from './image/npy.js';
