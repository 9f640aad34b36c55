/**
 * The two data types every image step shares: 8-bit RGB pictures and float tensors.
 * Kept dependency-free so any layer (engine, methods, render) can import them.
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

/**
 * The project's tensor type: float32 values in C (row-major) order with their shape.
 * Model inputs are `[N, 3, H, W]`; maps are `[N, H, W]`; gradients `[N, C, H, W]`.
 *
 * @example
 * const t: FloatTensor = { data: new Float32Array(6), shape: [2, 3] };
 */
export interface FloatTensor {
  data: Float32Array;
  shape: number[];
}

