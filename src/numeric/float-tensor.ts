/** The float tensor type every layer shares, from the engine's inputs to the rendered maps. */

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

