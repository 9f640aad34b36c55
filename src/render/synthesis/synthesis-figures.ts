/** Figures of synthesis galleries: labelled grids, enlarged so small inputs stay readable. */
import { makeGrid } from '../../image/grid.js';
import type { RgbImage } from '../../preprocess/rgb-image.js';
import type { GalleryItem } from '../../synthesis/galleries.js';
import { defaultZoom } from './progress-gif.js';
import { upscaleNearest } from '../../image/tiles.js';

/** `name 90%` for an item with a recognized score, else the name. */
export function itemCaption(item: GalleryItem): string {
  const share = item.result.recognized?.share[0];
  return share === undefined ? item.label : `${item.label} ${Math.round(share * 100)}%`;
}

/**
 * The first image of each item in a grid with its caption (the class's recognized score
 * when there is one).
 *
 * @example
 * const figure = galleryFigure(await visualizeClasses(model, [0, 1, 2, 3]), { columns: 5 });
 */
export function galleryFigure(items: GalleryItem[], options: { columns?: number; zoom?: number } = {}): RgbImage {
  const first = items[0].result.images[0];
  // Tiles of at least 160 pixels leave room for a 13-character caption in the figure font.
  const zoom = options.zoom ?? Math.max(defaultZoom(Math.min(first.width, first.height)), Math.ceil(160 / first.width));
  return makeGrid(items.map((it) => upscaleNearest(it.result.images[0], zoom)), {
    columns: options.columns ?? Math.min(items.length, 5),
    labels: items.map(itemCaption),
    padding: 4,
  });
}
