/**
 * What drives a unit on one image (Zeiler and Fergus; seed 004's masks): occlude patches of
 * the image and record how much the unit's activation drops, then keep the strongest drops.
 * Patches scale with the unit's receptive field, so a small early unit gets fine patches.
 */
import type { ConvlensModel } from '../engine/model.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { occlusion, type OcclusionFill } from '../methods/occlusion.js';
import type { PixelBox } from './receptive-field.js';

export interface UnitOcclusionOptions {
  /** Keep pixels whose drop is at least this share of the largest drop; default 0.5. */
  threshold?: number;
  /** Default `'mean'` (each channel's image mean: occluding removes structure, not brightness). */
  fill?: OcclusionFill;
  signal?: AbortSignal;
}

export interface UnitOcclusion {
  /** `[H, W]` drop of the unit's activation per input pixel (mean over the patches covering it). */
  drop: Float32Array;
  /** `[H, W]` 1 where the drop is at least `threshold` of the largest drop (all 0 when nothing lowers the unit). */
  mask: Uint8Array;
  /** Patch side and stride used, in input pixels. */
  patch: number;
  stride: number;
}

/**
 * The occlusion map of one unit (layer, channel, position) on one image `[1, C, H, W]`.
 *
 * @example
 * const rf = receptiveField(model, 'features.7');
 * const occ = await unitOcclusion(model, x, { layer: 'features.7', channel: 12, y: 3, x: 5 }, rf.box(3, 5));
 * occ.mask; // 1 on the pixels whose occlusion lowers the unit most
 */
export async function unitOcclusion(
  model: ConvlensModel, x: FloatTensor, unit: { layer: string; channel: number; y?: number; x?: number }, field: PixelBox, options: UnitOcclusionOptions = {},
): Promise<UnitOcclusion> {
  const [, , H, W] = x.shape;
  const patch = Math.max(2, Math.round(Math.min(field.y1 - field.y0, field.x1 - field.x0) / 4));
  const stride = Math.max(1, Math.floor(patch / 2));
  const occ = await occlusion(model, x, { unit, patch, stride, fill: options.fill ?? 'mean', signal: options.signal });
  const [, gh, gw] = occ.raw.shape;
  const drop = new Float32Array(H * W);
  const cover = new Float32Array(H * W);
  for (let r = 0; r < gh; r++) {
    for (let c = 0; c < gw; c++) {
      const d = occ.raw.data[r * gw + c];
      for (let y = r * stride; y < r * stride + patch; y++) for (let xx = c * stride; xx < c * stride + patch; xx++) { drop[y * W + xx] += d; cover[y * W + xx]++; }
    }
  }
  let largest = 0;
  for (let i = 0; i < drop.length; i++) { if (cover[i] > 0) drop[i] /= cover[i]; largest = Math.max(largest, drop[i]); }
  const cut = (options.threshold ?? 0.5) * largest;
  const mask = Uint8Array.from(drop, (d) => (largest > 0 && d >= cut ? 1 : 0));
  return { drop, mask, patch, stride };
}
