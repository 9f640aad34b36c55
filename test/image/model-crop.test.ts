/** The model's region in the original picture, checked against what preprocessing actually keeps. */
import { describe, expect, it } from 'vitest';
import { modelRegion, overlayWholePicture } from '../../src/image/model-crop.js';
import { preprocessImages, tensorToImages, type PreprocessSpec } from '../../src/preprocess/preprocess-images.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';

/** A picture whose red channel is the column and green channel the row (both < 256). */
function coordinates(width: number, height: number): RgbImage {
  const data = new Uint8ClampedArray(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set([x, y, 0], (y * width + x) * 3);
  return { width, height, data };
}

describe('modelRegion', () => {
  it('is where the pixels the model sees come from, for crops of wide and tall pictures', () => {
    for (const [w, h, fraction] of [[240, 120, 0.875], [90, 200, 1], [200, 200, 0.5]] as const) {
      const spec: PreprocessSpec = { size: [32, 32], resize: 'crop', preset: 'unit', cropFraction: fraction };
      const picture = coordinates(w, h);
      const [seen] = tensorToImages(preprocessImages([picture], spec), spec);
      const r = modelRegion(picture, spec);
      // The first and last seen pixels sample the region's first and last input pixels (within resampling blur).
      const at = (x: number, y: number) => Array.from(seen.data.subarray((y * 32 + x) * 3, (y * 32 + x) * 3 + 2));
      const step = [r.width / 32, r.height / 32];
      expect(at(0, 0)[0]).toBeCloseTo(r.x + step[0] / 2 - 0.5, -0.5);
      expect(at(0, 0)[1]).toBeCloseTo(r.y + step[1] / 2 - 0.5, -0.5);
      expect(at(31, 31)[0]).toBeCloseTo(r.x + r.width - step[0] / 2 - 0.5, -0.5);
      expect(at(31, 31)[1]).toBeCloseTo(r.y + r.height - step[1] / 2 - 0.5, -0.5);
    }
    expect(modelRegion({ width: 50, height: 40 }, { size: [8, 8], resize: 'stretch' })).toEqual({ x: 0, y: 0, width: 50, height: 40 });
  });

  it('frames the region over the whole picture and dims what lies outside it', () => {
    const picture: RgbImage = { width: 100, height: 50, data: new Uint8ClampedArray(100 * 50 * 3).fill(0) };
    const spec = { size: [16, 16] as [number, number], resize: 'crop' as const, cropFraction: 1 };
    const out = overlayWholePicture(picture, new Float32Array(16 * 16).fill(1), spec, { colormap: 'gray', alpha: 1 });
    const px = (x: number, y: number) => Array.from(out.data.subarray((y * 100 + x) * 3, (y * 100 + x) * 3 + 3));
    // The region is the centred 50 x 50 square: x 25..74.
    expect(modelRegion(picture, spec)).toEqual({ x: 25, y: 0, width: 50, height: 50 });
    expect(px(50, 25)).toEqual([255, 255, 255]); // heatmap at full opacity inside
    expect(px(10, 25)).toEqual([128, 128, 128]); // dimmed outside
    expect(px(25, 25)).toEqual([255, 0, 0]); // the frame
    expect(px(74, 10)).toEqual([255, 0, 0]);
  });
});
