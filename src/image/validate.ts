/** The float-map size check shared by the colour map, overlay and mask functions. */
import { ConvlensError } from '../errors.js';
import { assertPositiveInt } from '../preprocess/rgb-image.js';

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
