/**
 * The figure of one unit: a row per top image with the whole image as the model saw it (the
 * unit's receptive field boxed), the field's crop, and, when computed, the crop with the
 * occlusion mask (what drives the unit) kept bright and the rest dimmed.
 */
import type { PixelBox } from '../dataset/receptive-field.js';
import { rowColumnFigure } from '../image/grid.js';
import { drawBox } from '../image/mask.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import { upscaleNearest } from '../image/tiles.js';
import { figureWithLegend } from './figure.js';

/** One top image of a unit, ready to draw. */
export interface UnitFigureRow {
  /** The image at the model's input size, as preprocessing cropped it. */
  seen: RgbImage;
  box: PixelBox;
  /** `[H, W]` occlusion mask over `seen`, or null. */
  mask: Uint8Array | null;
  /** Row caption, e.g. the image id and its score. */
  caption: string;
}

const TILE = 72;
const DIM = 0.25;

function crop(img: RgbImage, b: PixelBox, mask: Uint8Array | null): RgbImage {
  const width = b.x1 - b.x0;
  const height = b.y1 - b.y0;
  const data = new Uint8ClampedArray(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const at = (b.y0 + y) * img.width + b.x0 + x;
      const keep = !mask || mask[at] === 1 ? 1 : DIM;
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = img.data[at * 3 + c] * keep;
    }
  }
  return { width, height, data };
}

const enlarge = (img: RgbImage) => upscaleNearest(img, Math.max(1, Math.floor(TILE / Math.max(img.width, img.height))));

/**
 * Draws a unit's top images: one row each, columns "image" (field boxed in red), "field" (the
 * crop) and, when rows carry masks, "occlusion" (mask bright, rest dimmed).
 *
 * @example
 * const png = encodePng(unitFigure(rows, 'features.7 channel 12'));
 */
export function unitFigure(rows: UnitFigureRow[], title: string): RgbImage {
  const masks = rows.some((r) => r.mask);
  const cells = rows.map((r) => {
    const boxed = drawBox(r.seen, { x: r.box.x0, y: r.box.y0, width: r.box.x1 - r.box.x0, height: r.box.y1 - r.box.y0 });
    const row = [enlarge(boxed), enlarge(crop(r.seen, r.box, null))];
    if (masks) row.push(enlarge(crop(r.seen, r.box, r.mask)));
    return row;
  });
  const grid = rowColumnFigure(cells, {
    rowLabels: rows.map((r) => r.caption),
    columnLabels: ['image', 'field', ...(masks ? ['occlusion'] : [])],
  });
  return figureWithLegend(grid, { title });
}

