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
import type { RgbImage } from '../preprocess/rgb-image.js';
import { decodeImageBytes, decodeImageFile, type DecodeOptions } from './codecs.js';
import { readModelSource } from './model-source.js';
import { nodeRuntimeWithThreads } from './runtime.js';

export * from '../api.js';

export interface NodeModelOptions extends ModelOptions {
  /** Where downloaded models are cached (default `$XDG_CACHE_HOME/convlens` or `~/.cache/convlens`). */
  cacheDir?: string;
  /** Milliseconds a download waits for the server to answer and then for more data (default 30000). */
  downloadTimeout?: number;
  /** Download progress: bytes received, and the total when the server says it. */
  onDownloadProgress?: (received: number, total: number | null) => void;
}

/**
 * Loads an ONNX model from a path, an explicit http(s) URL (downloaded once and cached) or
 * its bytes. The bytes are never modified; convlens compiles separate graph variants.
 */
export async function loadModel(source: string | URL | Uint8Array, options: NodeModelOptions = {}): Promise<ConvlensModel> {
  const runtime = nodeRuntimeWithThreads(options.threads);
  const { model } = await readModelSource(source, { cacheDir: options.cacheDir, timeoutMs: options.downloadTimeout, onProgress: options.onDownloadProgress });
  return new ConvlensModel(model, runtime, options);
}

/**
 * Decodes an image file or encoded bytes (PNG, JPEG, WebP, GIF, TIFF, BMP) to RGB, EXIF
 * orientation applied. With `atLeast` (a model's input size), huge pictures are shrunk while
 * decoding, see {@link DecodeOptions}.
 */
export async function loadImage(source: string | Uint8Array, options: DecodeOptions = {}): Promise<RgbImage> {
  return typeof source === 'string' ? decodeImageFile(source, options) : decodeImageBytes(source, 'the image bytes', options);
}

export { saveFigure } from './save-figure.js';
export { openDataset } from './dataset-files.js';
export { scanSpec, type ScanSpec } from './scan-spec.js';
export { scanWithThreads, type ThreadScanOptions } from './scan-threads.js';
export { scanOnQueue, startQueueWorker, type QueueScanOptions, type QueueWorker, type QueueWorkerOptions } from './queue-api.js';
export { scanPipelined } from './scan-pipelined.js';
export { FoldingThread } from './scan-folding.js';
export { ReadingThread } from './scan-reading.js';
