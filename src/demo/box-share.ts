/**
 * How much of an attribution map falls on an object: the share of the map's positive mass
 * inside the object's box. The demo reports it to show a shortcut numerically (a model that
 * learned the weather puts little of its Grad-CAM on the tank; one that learned the tank
 * puts much of it there).
 */
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
// The image layer's Box; the scenes' boxes have the same fields, and methods import nothing from scenes.
import type { Box } from '../image/mask.js';

/** Sum of the positive values of `plane` (row-major `height x width`) inside `box`, and in all. */
function positiveMass(plane: Float32Array, height: number, width: number, box: Box): { inside: number; total: number } {
  // The box is cut to the map, so a box reaching past the picture's edge still counts.
  const [x0, y0] = [Math.max(0, box.x), Math.max(0, box.y)];
  const [x1, y1] = [Math.min(width, box.x + box.width), Math.min(height, box.y + box.height)];
  let inside = 0;
  let total = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = plane[y * width + x];
      if (!(v > 0)) continue;
      total += v;
      if (y >= y0 && y < y1 && x >= x0 && x < x1) inside += v;
    }
  }
  return { inside, total };
}

function checkBox(box: Box, where: string): void {
  if (![box.x, box.y, box.width, box.height].every(Number.isFinite) || box.width < 0 || box.height < 0) {
    throw new ConvlensError('BAD_OPTION', `${where}: a box needs finite x, y and a non-negative width and height in pixels, got ${JSON.stringify(box)}.`);
  }
}

/**
 * The share, in [0, 1], of the positive attribution mass of an `[H, W]` map that lies inside
 * `box` (pixel coordinates of the map; give maps at input resolution, e.g. Grad-CAM's `map`
 * or its upsampled `raw`, with boxes of the input picture). Negative and NaN values count as
 * no attribution, as in ReLU'd CAM maps. A map with no positive mass points nowhere, so
 * nothing of it is in the box: the share is 0. The share does not change when the map is
 * scaled, so raw and [0, 1]-scaled maps give the same number (unless scaling shifted the minimum).
 *
 * @example
 * const map = { data: Float32Array.of(1, 1, 0, 2), shape: [2, 2] };
 * attributionShareInBox(map, { x: 1, y: 0, width: 1, height: 2 }); // (1 + 2) / 4 = 0.75
 */
export function attributionShareInBox(map: FloatTensor, box: Box): number {
  if (map.shape.length !== 2 || map.data.length !== map.shape[0] * map.shape[1]) {
    throw new ConvlensError('BAD_INPUT', `attributionShareInBox takes one [H, W] map, got shape [${map.shape.join(', ')}] with ${map.data.length} values; pick one item of a batch first, or use meanAttributionShareInBoxes.`);
  }
  checkBox(box, 'attributionShareInBox');
  const { inside, total } = positiveMass(map.data, map.shape[0], map.shape[1], box);
  return total > 0 ? inside / total : 0;
}

/**
 * The mean of {@link attributionShareInBox} over the items of `[N, H, W]` maps, item `i`
 * against `boxes[i]`; items whose box is null (nothing to find) are left out. Returns NaN
 * when no item has a box.
 *
 * @example
 * const cam = await gradCam(model, x, { layer: 'features.10', target: 'tank' });
 * meanAttributionShareInBoxes(cam.map, data.boxes); // e.g. 0.7: most of the map is on the tanks
 */
export function meanAttributionShareInBoxes(maps: FloatTensor, boxes: (Box | null)[]): number {
  const [n, height, width] = maps.shape;
  if (maps.shape.length !== 3 || maps.data.length !== n * height * width) {
    throw new ConvlensError('BAD_INPUT', `meanAttributionShareInBoxes takes [N, H, W] maps, got shape [${maps.shape.join(', ')}] with ${maps.data.length} values.`);
  }
  if (boxes.length !== n) {
    throw new ConvlensError('BAD_INPUT', `meanAttributionShareInBoxes needs one box (or null) per map: ${n} maps, ${boxes.length} boxes.`);
  }
  const plane = height * width;
  let sum = 0;
  let counted = 0;
  boxes.forEach((box, i) => {
    if (box === null) return;
    sum += attributionShareInBox({ data: maps.data.subarray(i * plane, (i + 1) * plane), shape: [height, width] }, box);
    counted++;
  });
  return counted > 0 ? sum / counted : Number.NaN;
}
