/**
 * Localization against known object boxes: the pointing game (Zhang et al. 2016: does the
 * map's strongest pixel fall on the object, within a tolerance) and the energy in the box
 * (Wang et al. 2020: the share of the map's positive mass inside the object's boxes).
 */
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import type { Box } from '../image/mask.js';
import { itemOf, relevanceMaps } from './relevance.js';

export interface LocalizationOptions {
  /** Pixels a strongest point may lie outside a box and still count as a hit; default 15, as in the original game. */
  tolerance?: number;
}

export interface LocalizationResult {
  /** Per image, 1 for a hit, 0 for a miss. */
  hit: number[];
  /** Per image, the share of the map's positive mass inside the union of its boxes, in [0, 1]. */
  energy: number[];
  /** Per image, the strongest pixel `[x, y]` (the first in row-major order on ties). */
  peak: [number, number][];
}

/** Checks that every image has at least one box lying inside the `W x H` input, in whole pixels. */
export function checkBoxes(boxes: Box[][], N: number, H: number, W: number): void {
  if (!Array.isArray(boxes) || boxes.length !== N) {
    throw new ConvlensError('BAD_INPUT', `Localization needs a list of boxes for each of the ${N} images, got ${Array.isArray(boxes) ? boxes.length : 'no'} lists.`);
  }
  boxes.forEach((list, n) => {
    if (!Array.isArray(list) || list.length === 0) throw new ConvlensError('BAD_INPUT', `Image ${n} has no box; give at least one box per image.`);
    for (const b of list) {
      const whole = [b?.x, b?.y, b?.width, b?.height].every(Number.isInteger);
      if (!whole || b.width < 1 || b.height < 1 || b.x < 0 || b.y < 0 || b.x + b.width > W || b.y + b.height > H) {
        throw new ConvlensError('BAD_INPUT',
          `Box ${JSON.stringify(b)} of image ${n} does not lie inside the ${W}x${H} model input; boxes are whole pixels of the input the model sees (after resizing and cropping).`);
      }
    }
  });
}

/** Distance from pixel (x, y) to the nearest pixel of a box. */
function distanceToBox(x: number, y: number, b: Box): number {
  const dx = Math.max(b.x - x, 0, x - (b.x + b.width - 1));
  const dy = Math.max(b.y - y, 0, y - (b.y + b.height - 1));
  return Math.hypot(dx, dy);
}

/**
 * Pointing game and energy in box for each image's map and boxes (in input pixels).
 *
 * @example
 * const loc = localization(cam.map, [[{ x: 20, y: 30, width: 40, height: 24 }]]);
 * loc.hit;    // [1]
 * loc.energy; // [0.62]
 */
export function localization(explanation: FloatTensor, boxes: Box[][], options: LocalizationOptions = {}): LocalizationResult {
  const [N, H, W] = [explanation?.shape?.[0], explanation?.shape?.at(-2), explanation?.shape?.at(-1)] as number[];
  const maps = relevanceMaps(explanation, [N, 1, H, W]);
  checkBoxes(boxes, N, H, W);
  const tolerance = options.tolerance ?? 15;
  if (!(tolerance >= 0 && Number.isFinite(tolerance))) throw new ConvlensError('BAD_OPTION', `The pointing tolerance must be a number of pixels >= 0, got ${String(tolerance)}.`);
  const result: LocalizationResult = { hit: [], energy: [], peak: [] };
  for (let n = 0; n < N; n++) {
    const map = itemOf(maps, n);
    let best = 0;
    for (let i = 1; i < map.length; i++) if (map[i] > map[best]) best = i;
    const [px, py] = [best % W, Math.floor(best / W)];
    result.peak.push([px, py]);
    result.hit.push(boxes[n].some((b) => distanceToBox(px, py, b) <= tolerance) ? 1 : 0);
    const inside = new Uint8Array(H * W);
    for (const b of boxes[n]) for (let y = b.y; y < b.y + b.height; y++) inside.fill(1, y * W + b.x, y * W + b.x + b.width);
    let total = 0;
    let within = 0;
    for (let i = 0; i < map.length; i++) {
      const v = Math.max(0, map[i]);
      total += v;
      if (inside[i]) within += v;
    }
    result.energy.push(total > 0 ? within / total : 0);
  }
  return result;
}
