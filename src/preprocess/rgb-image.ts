/**
 * The picture type every image step shares, and the argument checks that image functions
 * use so every entry point fails the same way.
 */
import { ConvlensError } from '../errors.js';

/**
 * An 8-bit RGB picture: `data` holds `width * height * 3` bytes, interleaved R, G, B,
 * row-major from the top-left pixel. There is no alpha: decoders flatten transparency
 * onto white before an image reaches convlens.
 *
 * @example
 * const red: RgbImage = { width: 1, height: 1, data: new Uint8ClampedArray([255, 0, 0]) };
 */
export interface RgbImage {
  width: number;
  height: number;
  data: Uint8ClampedArray;
}

/**
 * Checks that `img.data` has exactly `width * height * 3` bytes and positive integer sizes,
 * so later loops can index without bounds checks. Throws `BAD_INPUT` otherwise.
 *
 * @example
 * assertRgbImage({ width: 2, height: 1, data: new Uint8ClampedArray(6) }, 'tile'); // ok
 */
export function assertRgbImage(img: RgbImage, what = 'image'): void {
  const ok = img !== null && typeof img === 'object'
    && Number.isInteger(img.width) && Number.isInteger(img.height)
    && img.width > 0 && img.height > 0
    && img.data instanceof Uint8ClampedArray
    && img.data.length === img.width * img.height * 3;
  if (!ok) {
    const got = img && typeof img === 'object'
      ? `${img.width}x${img.height} with ${img.data?.length ?? 'no'} bytes`
      : String(img);
    throw new ConvlensError('BAD_INPUT',
      `The ${what} is not a valid RGB image (got ${got}). Pass { width, height, data } where data is a ` +
      'Uint8ClampedArray of width * height * 3 bytes, as returned by loadImage.');
  }
}

/**
 * Throws `BAD_OPTION` unless `value` is a positive integer.
 *
 * @example
 * assertPositiveInt(224, 'The target width'); // ok
 */
export function assertPositiveInt(value: number, name: string): void {
  if (!Number.isInteger(value) || value <= 0) {
    throw new ConvlensError('BAD_OPTION', `${name} must be a positive integer, got ${String(value)}.`);
  }
}
