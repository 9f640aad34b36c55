/**
 * Bounding boxes of scene objects in pixels, found either from the pixels an object changed
 * or from its projected outline.
 */
import type { RgbImage } from '../../preprocess/rgb-image.js';

/** A pixel rectangle: columns [x, x + width), rows [y, y + height). */
export interface Box { x: number; y: number; width: number; height: number }

/**
 * The smallest box holding every pixel whose bytes differ between two same-sized images,
 * or null if they are identical.
 *
 * @example
 * const before = canvas.toImage();
 * drawTank(canvas, rng, lighting, pose);
 * const box = changedBox(before, canvas.toImage());
 */
export function changedBox(a: RgbImage, b: RgbImage): Box | null {
  let [x0, y0, x1, y1] = [Infinity, Infinity, -1, -1];
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      const i = (y * a.width + x) * 3;
      if (a.data[i] !== b.data[i] || a.data[i + 1] !== b.data[i + 1] || a.data[i + 2] !== b.data[i + 2]) {
        x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y);
      }
    }
  }
  return x1 < 0 ? null : { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

/**
 * The pixels touched by the outline through `points` (pixel coordinates), cut to a
 * `width x height` picture; null if nothing of it is inside.
 *
 * @example
 * pointsBox([[2.5, 3], [10.2, 8]], 64, 64); // { x: 2, y: 3, width: 9, height: 5 }
 */
export function pointsBox(points: [number, number][], width: number, height: number): Box | null {
  if (points.length === 0) return null;
  const x0 = Math.max(0, Math.floor(Math.min(...points.map((p) => p[0]))));
  const y0 = Math.max(0, Math.floor(Math.min(...points.map((p) => p[1]))));
  const x1 = Math.min(width, Math.ceil(Math.max(...points.map((p) => p[0]))));
  const y1 = Math.min(height, Math.ceil(Math.max(...points.map((p) => p[1]))));
  return x1 <= x0 || y1 <= y0 ? null : { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}
