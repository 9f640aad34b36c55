/**
 * convlens for Node: models from files, URLs or bytes on onnxruntime-node, images decoded
 * with sharp.
 *
 * @example
 * import { loadModel, loadImage, gradCam } from 'convlens';
 * const model = await loadModel('resnet50.onnx', { preprocess: 'imagenet' });
 * const x = await model.preprocess([await loadImage('cat.jpg')]);
 * const cam = await gradCam(model, x, { layer: 'layer4', target: 281 });
 */
import { ConvlensModel, type ModelOptions } from '../engine/model.js';
import type { RgbImage } from '../image/types.js';
import { decodeImageBytes, decodeImageFile } from './codecs.js';
import { readModelSource } from './model-source.js';
import { nodeRuntime } from './runtime.js';

export * from '../api.js';

export interface NodeModelOptions extends ModelOptions {
  /** Where downloaded models are cached (default `$XDG_CACHE_HOME/convlens` or `~/.cache/convlens`). */
  cacheDir?: string;
}

/**
 * Loads an ONNX model from a path, an explicit http(s) URL (downloaded once and cached) or
 * its bytes. The bytes are never modified; convlens compiles separate graph variants.
 */
export async function loadModel(source: string | URL | Uint8Array, options: NodeModelOptions = {}): Promise<ConvlensModel> {
  const { model } = await readModelSource(source, { cacheDir: options.cacheDir });
  return new ConvlensModel(model, nodeRuntime, options);
}

/** Decodes an image file or encoded bytes (PNG, JPEG, WebP, GIF, TIFF, BMP) to RGB, EXIF orientation applied. */
export async function loadImage(source: string | Uint8Array): Promise<RgbImage> {
  return typeof source === 'string' ? decodeImageFile(source) : decodeImageBytes(source, 'the image bytes');
}
export { openDataset } from './dataset-files.js';
