/**
 * The picture type every image step shares (and, for the code that reads both from here, the
 * float tensor type, which lives in numeric/ since every layer uses it).
 */

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
