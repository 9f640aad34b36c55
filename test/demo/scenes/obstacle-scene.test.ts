/**
 * The robot's view: sensor readings from constructed placements, the box's outline and
 * paint, shadows that fall where the light says, and the dataset's exact mix.
 */
import { describe, expect, it } from 'vitest';
import { ConvlensError } from '../../../src/errors.js';
import type { RgbImage } from '../../../src/preprocess/rgb-image.js';
import { clipNear, convexHull, sensorReadings } from '../../../src/demo/scenes/floor-geometry.js';
import { obstacleDataset } from '../../../src/demo/scenes/obstacle-dataset.js';
import { obstacleScene, SENSOR_RANGE } from '../../../src/demo/scenes/obstacle-scene.js';

const cube = { x: 0, size: 0.6, height: 0.6, yaw: 0 };
const same = (a: RgbImage, b: RgbImage) => Buffer.from(a.data).equals(Buffer.from(b.data));

/** Mean luminance over a pixel rectangle. */
function meanLuminance(img: RgbImage, x0: number, y0: number, x1: number, y1: number): number {
  let sum = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * img.width + x) * 3;
      sum += 0.299 * img.data[i] + 0.587 * img.data[i + 1] + 0.114 * img.data[i + 2];
    }
  }
  return sum / ((x1 - x0) * (y1 - y0));
}

describe('obstacleScene', () => {
  it('reads the distance to the front face on the sensors in line with the box, 1 elsewhere', () => {
    const readings = [4.5, 3.5, 2.5, 1.5].map((z) => obstacleScene(1, { sameColour: false, light: 0, placement: { ...cube, z } }).sensors);
    // Sensors sit at x = +-0.075, +-0.225, +-0.375, +-0.525; the box spans x = -0.3..0.3.
    expect(readings[0]).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
    for (const [k, z] of [[1, 3.5], [2, 2.5], [3, 1.5]]) {
      const hit = (z - 0.3) / SENSOR_RANGE;
      readings[k].forEach((v, i) => expect(v).toBeCloseTo(i >= 2 && i <= 5 ? hit : 1, 12));
    }
    for (let k = 1; k < 4; k++) expect(readings[k][3]).toBeLessThan(readings[k - 1][3]);
  });

  it('moves the box down and makes it larger as it comes closer', () => {
    const boxes = [5, 3, 2, 1.2].map((z) => obstacleScene(1, { sameColour: false, light: 0, placement: { ...cube, z } }).box!);
    for (let k = 1; k < boxes.length; k++) {
      expect(boxes[k].y + boxes[k].height).toBeGreaterThan(boxes[k - 1].y + boxes[k - 1].height);
      expect(boxes[k].width).toBeGreaterThan(boxes[k - 1].width);
    }
  });

  it('sees only the side sensors on a box off to the right', () => {
    const { sensors } = obstacleScene(2, { sameColour: false, light: 0, placement: { ...cube, x: 0.55, z: 2 } });
    expect(sensors.slice(0, 6)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(sensors.slice(6)).toEqual([1.7 / SENSOR_RANGE, 1.7 / SENSOR_RANGE]);
  });

  it('reports no box and free sensors when the box is out of view', () => {
    const s = obstacleScene(2, { sameColour: true, light: 0, placement: { ...cube, x: 30, z: 2 } });
    expect(s.box).toBeNull();
    expect(s.sensors).toEqual(Array(8).fill(1));
  });

  it('repeats its bytes for a seed and differs for another', () => {
    const a = obstacleScene(9, { sameColour: true, light: 45 });
    expect(same(a.image, obstacleScene(9, { sameColour: true, light: 45 }).image)).toBe(true);
    expect(same(a.image, obstacleScene(10, { sameColour: true, light: 45 }).image)).toBe(false);
    expect(obstacleScene(9, { sameColour: true, light: 45, size: 40, sensorCount: 5 }).sensors).toHaveLength(5);
  });

  it.each([1, 2, 3, 4, 5, 6])('paints a same-colour box like the floor, a different one not (seed %i)', (seed) => {
    const options = { light: 0, lightElevation: 40, placement: { ...cube, z: 2 } };
    const like = obstacleScene(seed, { ...options, sameColour: true });
    const unlike = obstacleScene(seed, { ...options, sameColour: false });
    const box = like.box!;
    expect(unlike.box).toEqual(box);
    const contrast = (img: RgbImage) => {
      let d = 0;
      for (let x = box.x + 2; x < box.x + box.width - 2; x++) {
        const inBox = ((box.y + box.height - 3) * 64 + x) * 3;
        const below = ((box.y + box.height + 2) * 64 + x) * 3;
        for (let k = 0; k < 3; k++) d += Math.abs(img.data[inBox + k] - img.data[below + k]);
      }
      return d / (3 * (box.width - 4));
    };
    expect(contrast(like.image)).toBeLessThan(40);
    expect(contrast(unlike.image)).toBeGreaterThan(contrast(like.image) + 20);
    // Everything but the box is the same picture.
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        if (x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height) continue;
        const i = (y * 64 + x) * 3;
        expect(like.image.data[i] === unlike.image.data[i] && like.image.data[i + 2] === unlike.image.data[i + 2]).toBe(true);
      }
    }
  });

  it('casts the shadow away from the light', () => {
    const view = (light: number) => obstacleScene(4, { sameColour: false, light, lightElevation: 25, placement: { ...cube, z: 2.5 } });
    const [back, front, right] = [view(0), view(180), view(90)];
    const box = back.box!;
    const bottom = box.y + box.height;
    // Light from behind the box throws the shadow towards the camera, below the box in the picture.
    expect(meanLuminance(front.image, box.x, bottom + 1, box.x + box.width, bottom + 6)).toBeLessThan(
      meanLuminance(back.image, box.x, bottom + 1, box.x + box.width, bottom + 6) - 20);
    // Light from the right throws it to the left of the box.
    const y0 = bottom - 4;
    expect(meanLuminance(right.image, box.x - 6, y0, box.x - 1, bottom)).toBeLessThan(
      meanLuminance(right.image, box.x + box.width + 1, y0, box.x + box.width + 6, bottom) - 20);
  });

  it('rejects bad options with a ConvlensError', () => {
    expect(() => obstacleScene(1, { sameColour: true, light: Number.NaN })).toThrow(ConvlensError);
    expect(() => obstacleScene(1, { sameColour: true, light: 0, sensorCount: 0 })).toThrow(/sensorCount/);
    expect(() => obstacleDataset({ count: 4, seed: 0, sameColourFraction: 2 })).toThrow(/sameColourFraction/);
  });
});

describe('floor geometry', () => {
  it('measures the distance to the nearest corner of a turned box', () => {
    const h = Math.SQRT1_2 * 0.4;
    const diamond: [number, number][] = [[0, 2 - h], [h, 2], [0, 2 + h], [-h, 2]];
    const [centre] = sensorReadings(diamond, 1, 0.6, 4);
    expect(centre).toBeCloseTo((2 - h) / 4, 12);
    expect(sensorReadings([[-1, 9], [1, 9], [1, 10], [-1, 10]], 3, 0.5, 4)).toEqual([1, 1, 1]);
  });

  it('keeps the outline of a shadow and cuts it at the lens', () => {
    expect(convexHull([[0, 0], [1, 0], [0.2, 0.2], [1, 1], [0, 1]])).toEqual([[0, 0], [1, 0], [1, 1], [0, 1]]);
    const cut = clipNear([[0, 0, -1], [1, 0, 3], [-1, 0, 3]]);
    expect(cut.every((p) => p[2] >= 0.15)).toBe(true);
    expect(cut).toHaveLength(4);
  });
});

describe('obstacleDataset', () => {
  it('mixes exactly the requested share of same-colour boxes, reproducibly', () => {
    const d = obstacleDataset({ count: 30, seed: 3, sameColourFraction: 0.2 });
    expect(d.sameColour.filter(Boolean)).toHaveLength(6);
    expect(d.sensors.every((row) => row.length === 8 && row.every((v) => v > 0 && v <= 1))).toBe(true);
    expect(d.sensors.some((row) => row.some((v) => v < 1))).toBe(true);
    expect(d.light.every((a) => a >= 0 && a < 360)).toBe(true);
    const again = obstacleDataset({ count: 30, seed: 3, sameColourFraction: 0.2 });
    expect(again.sensors).toEqual(d.sensors);
    expect(again.images.every((img, i) => same(img, d.images[i]))).toBe(true);
    expect(d.boxes.filter((b) => b !== null).length).toBeGreaterThan(25);
  });
});
