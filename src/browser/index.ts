/**
 * convlens for browsers: models from URLs, Files or bytes on onnxruntime-web, images
 * decoded by the browser.
 *
 * @example
 * import { loadModel, loadImage, gradCam } from 'convlens';
 * const model = await loadModel('models/resnet50.onnx', { preprocess: 'imagenet', wasmPaths: '/ort/' });
 * const x = await model.preprocess([await loadImage(document.querySelector('img')!)]);
 * const cam = await gradCam(model, x, { layer: 'layer4', target: 281 });
 */
import { ConvlensModel, type ModelOptions } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import { decodeImageBlob, imageFromCanvasSource } from './codecs.js';
import { readModelSource, type BrowserModelSourceOptions } from './model-source.js';
import { browserRuntime, configureRuntime, type BrowserExecutionProvider, type BrowserRuntimeOptions } from './runtime.js';

export * from '../api.js';
export { checkWebGpu, type WebGpuCheck } from './webgpu-check.js';
export { browserThreading, configureRuntime, type BrowserExecutionProvider, type BrowserRuntimeOptions, type BrowserThreading } from './runtime.js';

export interface BrowserModelOptions extends ModelOptions, BrowserRuntimeOptions, BrowserModelSourceOptions {
  /** `'wasm'` (default) or `'webgpu'`. */
  executionProvider?: BrowserExecutionProvider;
}

/**
 * Loads an ONNX model from a URL (relative to the page; external data files are fetched
 * next to it), a File or Blob, an ArrayBuffer or a Uint8Array. The bytes are never
 * modified; convlens compiles separate graph variants.
 */
export async function loadModel(
  source: string | URL | ArrayBuffer | Uint8Array | Blob,
  options: BrowserModelOptions = {},
): Promise<ConvlensModel> {
  configureRuntime(options);
  const runtime = browserRuntime(options.executionProvider);
  const { model } = await readModelSource(source, { fetch: options.fetch, signal: options.signal });
  return new ConvlensModel(model, runtime, options);
}

export type BrowserImageSource =
  | Blob | ArrayBuffer | Uint8Array | string | URL
  | ImageBitmap | HTMLImageElement | HTMLCanvasElement | ImageData;

async function fetchImage(source: string | URL, options: BrowserModelSourceOptions): Promise<RgbImage> {
  let url: URL;
  try {
    url = new URL(source, (globalThis as { location?: { href?: string } }).location?.href);
  } catch (e) {
    throw new ConvlensError('BAD_OPTION', `"${String(source)}" is not an image URL; pass an absolute URL or one relative to the page.`, { cause: e });
  }
  let res: Response;
  try {
    res = await (options.fetch ?? globalThis.fetch)(url, { signal: options.signal });
  } catch (e) {
    if (options.signal?.aborted) throw new ConvlensError('ABORTED', `Fetching ${url.href} was aborted.`, { cause: e });
    throw new ConvlensError('DOWNLOAD_FAILED',
      `Fetching the image ${url.href} failed: ${(e as Error).message}. Check the URL; a server on another origin must allow it with CORS headers.`, { cause: e });
  }
  if (!res.ok) {
    throw new ConvlensError(res.status === 404 ? 'IMAGE_NOT_FOUND' : 'DOWNLOAD_FAILED',
      `Fetching the image ${url.href} failed: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}. Check the URL.`);
  }
  return decodeImageBlob(await res.blob(), url.href);
}

/**
 * Reads an image as RGB (alpha flattened onto white): a URL (fetched), a File or Blob,
 * encoded bytes, or something already on the page (ImageBitmap, loaded `<img>`, `<canvas>`,
 * ImageData).
 *
 * @example
 * const img = await loadImage(fileInput.files[0]);
 * const same = await loadImage('images/cat.jpg');
 */
export async function loadImage(source: BrowserImageSource, options: BrowserModelSourceOptions = {}): Promise<RgbImage> {
  if (typeof source === 'string' || source instanceof URL) return fetchImage(source, options);
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) return decodeImageBlob(source, 'the image bytes');
  if (source instanceof Blob) {
    const name = (source as Blob & { name?: unknown }).name;
    return decodeImageBlob(source, typeof name === 'string' && name ? name : 'the image file');
  }
  return imageFromCanvasSource(source);
}

// For the web app: the demo's scenes and tank study, and the model annotations it shows.
export { tankScene, shapeScene, obstacleScene, shapeClassNames, type TankScene, type ObstacleScene } from '../demo/scenes/index.js';
export { tankStudy, type TankStudy } from '../demo/studies/tank-study.js';
export { readAnnotations } from '../onnx/annotations.js';
export { attributionShareInBox } from '../demo/box-share.js';
export type { OptionSpec } from '../methods/option-specs.js';
