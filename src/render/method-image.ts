/** One picture per explained item: heatmaps over the (preprocessed) image, gradients as colour or gray images. */
import type { ColormapName } from '../image/colormap.js';
import { overlayHeatmap, saliencyToImage } from '../image/overlay.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import type { MethodOutput } from '../methods/registry.js';

/** Item `m` of a batched tensor, as a view. */
export function itemOf(t: FloatTensor, m: number): FloatTensor {
  const n = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return { data: t.data.subarray(m * n, (m + 1) * n), shape: t.shape.slice(1) };
}

export interface MethodImageOptions {
  /** Gradient rendering: signed colour (default) or gray magnitude. */
  gradient?: 'color' | 'gray';
  /** Heatmap weight over the photo; default 0.4, which keeps the photo readable under the colours. */
  alpha?: number;
  /** Heatmap colours; default `'viridis'` (perceptually uniform; `'jet'` is the older convention). */
  colormap?: ColormapName;
}

/** Defaults of heatmap overlays. */
export const defaultOverlay = { alpha: 0.4, colormap: 'viridis' } as const;

/**
 * Renders item `m` of a method's result; `images` are the model-sized inputs the items refer to.
 *
 * @example
 * const picture = methodImage(await findMethod('gradcam').run(model, x, {}), 0, tensorToImages(x, model.preprocessSpec));
 */
export function methodImage(result: MethodOutput, m: number, images: RgbImage[], options: MethodImageOptions = {}): RgbImage {
  if (result.display === 'gradient') {
    const r = itemOf(result.raw, m);
    return saliencyToImage(r.data, r.shape as [number, number, number], { mode: options.gradient ?? 'color' });
  }
  return overlayHeatmap(images[result.image[m]], itemOf(result.map, m).data, {
    alpha: options.alpha ?? defaultOverlay.alpha, colormap: options.colormap ?? defaultOverlay.colormap,
  });
}
