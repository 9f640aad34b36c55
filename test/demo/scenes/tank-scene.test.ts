/**
 * Tank scenes: same seed same bytes, the tank confined to its box, and the weather changing
 * the whole picture's light in the direction the story needs (bright, blue, contrasty
 * against dim, gray, flat).
 */
import { describe, expect, it } from 'vitest';
import { ConvlensError } from '../../../src/errors.js';
import type { RgbImage } from '../../../src/preprocess/rgb-image.js';
import { SceneRandom } from '../../../src/demo/scenes/scene-random.js';
import { tankScene } from '../../../src/demo/scenes/tank-scene.js';

const seeds = Array.from({ length: 12 }, (_, i) => 100 + i);
const luminance = (img: RgbImage, i: number) => 0.299 * img.data[i] + 0.587 * img.data[i + 1] + 0.114 * img.data[i + 2];

function rowStats(img: RgbImage, fromRow: number, toRow: number) {
  const values: number[] = [];
  let blueMinusRed = 0;
  for (let y = fromRow; y < toRow; y++) {
    for (let x = 0; x < img.width; x++) {
      const i = (y * img.width + x) * 3;
      values.push(luminance(img, i));
      blueMinusRed += img.data[i + 2] - img.data[i];
    }
  }
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  return { mean, std, blueMinusRed: blueMinusRed / values.length };
}

describe('tankScene', () => {
  it('gives identical bytes for a seed and different bytes for another seed', () => {
    const a = tankScene(7, { tank: true, sky: 'bright' });
    const b = tankScene(7, { tank: true, sky: 'bright' });
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
    expect(a.box).toEqual(b.box);
    expect(Buffer.from(tankScene(8, { tank: true, sky: 'bright' }).image.data).equals(Buffer.from(a.image.data))).toBe(false);
    expect(Buffer.from(tankScene(new SceneRandom(7), { tank: true, sky: 'bright' }).image.data).equals(Buffer.from(a.image.data))).toBe(true);
  });

  it('makes pictures of the requested size', () => {
    const { image } = tankScene(1, { tank: true, sky: 'overcast', size: 96 });
    expect([image.width, image.height, image.data.length]).toEqual([96, 96, 96 * 96 * 3]);
    expect(tankScene(1, { tank: false, sky: 'overcast' }).image.width).toBe(64);
  });

  it.each(seeds)('confines the tank to its box (seed %i)', (seed) => {
    for (const sky of ['bright', 'overcast'] as const) {
      const withTank = tankScene(seed, { tank: true, sky });
      const without = tankScene(seed, { tank: false, sky });
      expect(without.box).toBeNull();
      const box = withTank.box!;
      expect(box.width).toBeGreaterThanOrEqual(10);
      expect(box.height).toBeGreaterThanOrEqual(5);
      expect(box.x + box.width).toBeLessThanOrEqual(64);
      expect(box.y + box.height).toBeLessThanOrEqual(64);
      let changedInside = 0;
      let strongInside = 0;
      for (let y = 0; y < 64; y++) {
        for (let x = 0; x < 64; x++) {
          const inBox = x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height;
          const i = (y * 64 + x) * 3;
          const d = Math.abs(withTank.image.data[i] - without.image.data[i]) + Math.abs(withTank.image.data[i + 1] - without.image.data[i + 1]) + Math.abs(withTank.image.data[i + 2] - without.image.data[i + 2]);
          if (!inBox) expect(d).toBe(0);
          else { changedInside += d > 0 ? 1 : 0; strongInside += d > 30 ? 1 : 0; }
        }
      }
      // The tank fills much of its box, and part of it (at least the tracks) stands out clearly.
      expect(changedInside / (box.width * box.height)).toBeGreaterThan(0.4);
      expect(strongInside).toBeGreaterThan(15);
    }
  });

  it('keeps the same place when only the sky changes', () => {
    const bright = tankScene(3, { tank: true, sky: 'bright' });
    const overcast = tankScene(3, { tank: true, sky: 'overcast' });
    expect(Math.abs(bright.box!.x - overcast.box!.x)).toBeLessThanOrEqual(1);
    expect(Math.abs(bright.box!.width - overcast.box!.width)).toBeLessThanOrEqual(2);
  });

  it.each(seeds)('lights a bright day brighter, bluer and more contrasty than an overcast one (seed %i)', (seed) => {
    for (const tank of [false, true]) {
      const bright = tankScene(seed, { tank, sky: 'bright' }).image;
      const overcast = tankScene(seed, { tank, sky: 'overcast' }).image;
      const [b, o] = [rowStats(bright, 0, 64), rowStats(overcast, 0, 64)];
      expect(b.mean - o.mean).toBeGreaterThan(30);
      const [bSky, oSky] = [rowStats(bright, 0, 4), rowStats(overcast, 0, 4)];
      expect(bSky.blueMinusRed).toBeGreaterThan(90);
      expect(Math.abs(oSky.blueMinusRed)).toBeLessThan(15);
      // The ground: bottom quarter, always below the horizon.
      const [bGround, oGround] = [rowStats(bright, 48, 64), rowStats(overcast, 48, 64)];
      expect(bGround.mean).toBeGreaterThan(oGround.mean + 25);
      expect(bGround.std).toBeGreaterThan(1.3 * oGround.std);
    }
  });

  it('rejects a bad sky or size with a ConvlensError', () => {
    expect(() => tankScene(1, { tank: true, sky: 'rainy' as 'bright' })).toThrow(ConvlensError);
    expect(() => tankScene(1, { tank: true, sky: 'bright', size: 8 })).toThrow(/size/);
    expect(() => tankScene(1.5, { tank: true, sky: 'bright' })).toThrow(/integer/);
  });
});
