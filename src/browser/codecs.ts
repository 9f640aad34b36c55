/**
 * Browser image codecs: Blobs and buffers through `createImageBitmap` (EXIF orientation
 * applied) and a canvas, BMP through convlens' own decoder so it matches Node exactly.
 * Alpha is flattened onto white, as in Node.
 */
import { ConvlensError } from '../errors.js';
import { flattenRgba } from '../image/alpha.js';
import { decodeBmp, isBmp } from '../image/bmp.js';
import type { RgbImage } from '../preprocess/rgb-image.js';

type Canvas2D = OffscreenCanvasRenderingContext2D | CanvasRenderingContext2D;

function context2d(width: number, height: number): Canvas2D {
  if (typeof OffscreenCanvas !== 'undefined') {
    const ctx = new OffscreenCanvas(width, height).getContext('2d', { willReadFrequently: true });
    if (ctx) return ctx;
  }
  if (typeof document !== 'undefined') {
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (ctx) return ctx;
  }
  throw new ConvlensError('BAD_INPUT', 'No 2D canvas is available here (neither OffscreenCanvas nor document); ' +
    'decode images in a browser window or worker, or in Node with loadImage.');
}

function readPixels(draw: CanvasImageSource, width: number, height: number, what: string): RgbImage {
  const ctx = context2d(width, height);
  ctx.drawImage(draw, 0, 0, width, height);
  let pixels: ImageData;
  try {
    pixels = ctx.getImageData(0, 0, width, height);
  } catch (e) {
    throw new ConvlensError('BAD_INPUT', `Cannot read the pixels of ${what}: the browser refused (${(e as Error).message}). ` +
      'Images from other origins need CORS headers and crossOrigin="anonymous".', { cause: e });
  }
  return flattenRgba(pixels.data, width, height);
}

/**
 * Decodes an encoded image (PNG, JPEG, WebP, GIF first frame, BMP, and whatever else the
 * browser reads) into RGB. `source` names the input in error messages. Throws
 * `IMAGE_UNDECODABLE` if the browser cannot decode it.
 *
 * @example
 * const img = await decodeImageBlob(fileInput.files[0], fileInput.files[0].name);
 */
export async function decodeImageBlob(input: Blob | ArrayBuffer | Uint8Array, source: string): Promise<RgbImage> {
  const blob = input instanceof Blob ? input : new Blob([input instanceof Uint8Array ? new Uint8Array(input) : input]);
  const head = new Uint8Array(await blob.slice(0, 26).arrayBuffer());
  if (isBmp(head)) return decodeBmp(new Uint8Array(await blob.arrayBuffer()), source);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', premultiplyAlpha: 'none' });
  } catch (e) {
    throw new ConvlensError('IMAGE_UNDECODABLE', `Could not decode ${source}: the browser does not recognise it as an image. ` +
      'Use PNG, JPEG, WebP, GIF or BMP.', { cause: e });
  }
  try {
    return readPixels(bitmap, bitmap.width, bitmap.height, source);
  } finally {
    bitmap.close();
  }
}

/**
 * Reads the pixels of something already on the page: an `ImageBitmap`, a loaded `<img>`,
 * a `<canvas>` or an `ImageData`. Throws `BAD_INPUT` for an image that has not finished
 * loading or whose pixels the browser will not share (cross-origin without CORS).
 *
 * @example
 * const img = imageFromCanvasSource(document.querySelector('img')!);
 */
export function imageFromCanvasSource(source: ImageBitmap | HTMLImageElement | HTMLCanvasElement | ImageData): RgbImage {
  if (typeof ImageData !== 'undefined' && source instanceof ImageData) {
    return flattenRgba(source.data, source.width, source.height);
  }
  if (typeof HTMLImageElement !== 'undefined' && source instanceof HTMLImageElement) {
    if (!source.complete || source.naturalWidth === 0) {
      throw new ConvlensError('BAD_INPUT', `The <img> ${source.src || ''} has not loaded (or failed to load); ` +
        'wait for its load event (await img.decode()) before reading it.');
    }
    return readPixels(source, source.naturalWidth, source.naturalHeight, 'the <img>');
  }
  const { width, height } = source as ImageBitmap | HTMLCanvasElement;
  if (!width || !height) throw new ConvlensError('BAD_INPUT', 'The image source is empty (width or height 0).');
  return readPixels(source as CanvasImageSource, width, height, 'the image source');
}
