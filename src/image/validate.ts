/** Argument checks shared by the image functions, so every entry point fails the same way. */
import { ConvlensError } from '../errors.js';
import type { RgbImage } from './types.js';

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

/**
 * Throws `BAD_INPUT` unless `values` holds exactly one value per pixel of a `width x height` map.
 *
 * @example
 * assertMapSize(new Float32Array(6), 3, 2, 'heatmap'); // ok
 */
export function assertMapSize(values: ArrayLike<number>, width: number, height: number, what: string): void {
  assertPositiveInt(width, `The ${what} width`);
  assertPositiveInt(height, `The ${what} height`);
  if (values.length !== width * height) {
    throw new ConvlensError('BAD_INPUT',
      `The ${what} has ${values.length} values but ${width}x${height} = ${width * height} were expected. ` +
      'Pass one value per pixel, row-major (resizeMap can bring a map to the image size).');
  }
}
