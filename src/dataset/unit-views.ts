/**
 * A unit's top images as the model saw them, with the receptive field of the unit that
 * peaked and, optionally, the occlusion mask of what drives it: the data of a unit figure.
 */
import type { ConvlensModel } from '../engine/model.js';
import { tensorToImages } from '../preprocess/preprocess-images.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import { itemShapeOf } from '../methods/passes.js';
import type { ChannelResult } from './layer-summary.js';
import type { PixelBox, ReceptiveField } from './receptive-field.js';
import type { DatasetSource } from './source.js';
import type { TopEntry } from './top-k.js';
import { unitOcclusion, type UnitOcclusionOptions } from './unit-occlusion.js';

export interface UnitView {
  entry: TopEntry;
  id: string;
  /** The image at the model's input size, as preprocessing cropped it. */
  seen: RgbImage;
  /** Input pixels the peaking unit sees. */
  box: PixelBox;
  /** `[H, W]` occlusion mask (1: occluding it lowers the unit most), when asked for. */
  mask: Uint8Array | null;
}

/**
 * Rereads a channel's top images and pairs each with its field box and, with `masks`, its
 * occlusion mask.
 *
 * @example
 * const views = await unitViews(model, data, 'features.7', results[12], receptiveField(model, 'features.7'), { masks: true });
 */
export async function unitViews(
  model: ConvlensModel, data: DatasetSource, layer: string, result: ChannelResult, field: ReceptiveField,
  options: UnitOcclusionOptions & { masks?: boolean } = {},
): Promise<UnitView[]> {
  const views: UnitView[] = [];
  // Vector layers ([K]) have no position to name.
  const spatial = itemShapeOf(model, model.resolveLayer(layer)).length === 3;
  for (const entry of result.top) {
    const x = await model.preprocess([await data.load(entry.image)]);
    const [seen] = tensorToImages(x, model.preprocessSpec);
    const box = field.box(entry.y, entry.x);
    const mask = options.masks
      ? (await unitOcclusion(model, x, { layer, channel: result.channel, ...(spatial ? { y: entry.y, x: entry.x } : {}) }, box, options)).mask
      : null;
    views.push({ entry, id: data.entries[entry.image].id, seen, box, mask });
  }
  return views;
}
