/** A generated landscape (sky, hills, a dark vehicle) so the demo needs no image files. */
import type { RgbImage } from '../image/types.js';

export function demoScene(width: number, height: number): RgbImage {
  const data = new Uint8ClampedArray(width * height * 3);
  const horizon = Math.round(height * 0.55);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const hill = horizon - Math.round(height * 0.06 * Math.sin((x / width) * Math.PI * 2));
      const inVehicle = y > height * 0.58 && y < height * 0.72 && x > width * 0.35 && x < width * 0.65;
      const inTurret = y > height * 0.5 && y <= height * 0.58 && x > width * 0.44 && x < width * 0.58;
      const rgb = inVehicle || inTurret ? [60, 66, 40]
        : y < hill ? [120 + Math.round((y / hill) * 80), 170 + Math.round((y / hill) * 50), 235]
          : [70, 140 - Math.round(((y - hill) / height) * 60), 50];
      data.set(rgb, (y * width + x) * 3);
    }
  }
  return { width, height, data };
}
