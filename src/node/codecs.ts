/**
 * Node image codecs: files and bytes in (sharp/libvips, plus convlens' own BMP decoder),
 * compressed PNG bytes out. Every decoded image is 8-bit sRGB RGB, EXIF-oriented, with
 * alpha flattened onto white (see src/image/alpha.ts for why white).
 */
import { readFile as readFileCallback, readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { encodePng } from '../image/png.js';
import { ConvlensError } from '../errors.js';
import { decodeBmp, isBmp } from '../image/bmp.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import { decodeSimplePng } from './png-fast-decode.js';

/** The formats convlens promises to read, for error messages. */
export const SUPPORTED_IMAGE_FORMATS = 'PNG, JPEG, WebP, GIF (first frame), TIFF and BMP';

export interface DecodeOptions {
  /**
   * `[height, width]` the image is needed at (a model's input size). A picture more than four
   * times larger on both sides is shrunk while it is decoded, to four times this size (aspect
   * ratio kept), so huge photos never sit in memory at full size; smaller ones are untouched.
   */
  atLeast?: [number, number];
  /**
   * Read the file with one blocking call instead of through the thread pool. A small file in
   * the page cache then costs a few times less CPU (open, stat, read and close are four thread
   * pool round trips otherwise); a file on a slow disk blocks the thread while it is read.
   */
  blockingRead?: boolean;
}

/** fs/promises' readFile costs several times the CPU of the callback one per small file, which a dataset scan feels. */
const readFile = promisify(readFileCallback);

/** How much larger than needed a decoded picture stays: enough for a clean resize afterwards. */
const DECODE_MARGIN = 4;

/**
 * Reads and decodes an image file. Throws `IMAGE_NOT_FOUND` if the path does not name a
 * readable file and `IMAGE_UNDECODABLE` if its contents are not a supported image.
 *
 * @example
 * const img = await decodeImageFile('cat.jpg'); // { width, height, data: RGB bytes }
 */
export async function decodeImageFile(path: string, options: DecodeOptions = {}): Promise<RgbImage> {
  let bytes: Uint8Array;
  try {
    bytes = options.blockingRead ? readFileSync(path) : await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file'
      : code === 'EISDIR' ? 'it is a directory'
        : code === 'EACCES' || code === 'EPERM' ? 'permission denied'
          : (e as Error).message;
    throw new ConvlensError('IMAGE_NOT_FOUND', `Cannot read image ${path}: ${why}. Check the path and try again.`, { cause: e });
  }
  return decodeImageBytes(bytes, path, options);
}

/**
 * Decodes encoded image bytes (PNG, JPEG, WebP, GIF, TIFF, BMP; AVIF/HEIF, SVG where the
 * installed libvips reads them). Applies the EXIF orientation, converts gray, CMYK and
 * 16-bit images to 8-bit sRGB, keeps only the first frame of animations and flattens
 * transparency onto white. `source` names the input in error messages.
 *
 * @example
 * const img = await decodeImageBytes(new Uint8Array(await res.arrayBuffer()), url);
 */
export async function decodeImageBytes(bytes: Uint8Array, source: string, options: DecodeOptions = {}): Promise<RgbImage> {
  const undecodable = (why: string, cause?: unknown): ConvlensError => new ConvlensError('IMAGE_UNDECODABLE',
    `Could not decode ${source}: ${why}. convlens reads ${SUPPORTED_IMAGE_FORMATS}; ` +
    'convert the image to one of these (PNG or JPEG are safest) and try again.', { cause });
  if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw undecodable('the data is empty');
  if (isBmp(bytes)) return decodeBmp(bytes, source);
  const simple = options.atLeast ? null : decodeSimplePng(bytes);
  if (simple) return simple;
  try {
    let pipeline = sharp(bytes, { pages: 1, failOn: 'error' }).autoOrient();
    if (options.atLeast) {
      const [h, w] = options.atLeast;
      // libvips shrinks JPEG and WebP while decoding and streams PNG, so the full size is never held.
      pipeline = pipeline.resize({ width: w * DECODE_MARGIN, height: h * DECODE_MARGIN, fit: 'outside', withoutEnlargement: true });
    }
    const { data, info } = await pipeline
      .flatten({ background: { r: 255, g: 255, b: 255 } })
      .toColourspace('srgb')
      .removeAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoder produced ${info.channels} channels`);
    return {
      width: info.width,
      height: info.height,
      data: new Uint8ClampedArray(data.buffer, data.byteOffset, data.length),
    };
  } catch (e) {
    const message = (e as Error).message ?? String(e);
    const why = /unsupported image format/i.test(message) ? 'the data is not in a recognised image format' : message;
    throw undecodable(why, e);
  }
}

/**
 * Encodes an RGB image as PNG bytes: the isomorphic encoder of image/png.ts, kept async
 * for the callers that write files.
 *
 * @example
 * await writeFile('cat.gradcam.png', await encodePngBytes(overlay));
 */
export async function encodePngBytes(img: RgbImage): Promise<Uint8Array> {
  return encodePng(img);
}
