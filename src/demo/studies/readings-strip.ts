/** A row of proximity-sensor readings as a picture: one coloured cell per sensor. */
import { applyColormap } from '../../image/colormap.js';
import type { RgbImage } from '../../preprocess/rgb-image.js';

/**
 * Rows of readings (each in [0, 1], 1 = nothing in range) drawn as `cell`-pixel squares,
 * nearer obstacles brighter, with a one-pixel dark line between rows so true and predicted
 * readings stacked together stay apart.
 *
 * @example
 * readingsStrip([truth, predicted], 8); // 2 rows of 8 sensors: a 64 x 17 picture
 */
export function readingsStrip(rows: ArrayLike<number>[], cell = 8): RgbImage {
  const sensors = rows[0].length;
  const width = sensors * cell;
  const height = rows.length * cell + rows.length - 1;
  // A gap row holds NaN, which the colormap shows as its dark low end.
  const values = new Float32Array(width * height).fill(Number.NaN);
  rows.forEach((row, r) => {
    for (let y = 0; y < cell; y++) {
      for (let x = 0; x < width; x++) values[(r * (cell + 1) + y) * width + x] = 1 - Math.min(1, Math.max(0, row[Math.floor(x / cell)]));
    }
  });
  return applyColormap(values, width, height, 'inferno');
}
