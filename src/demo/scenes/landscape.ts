/**
 * The countryside behind the tank: sky, hazy far hills, textured grass with dirt patches,
 * and trees, bushes and rocks as distractors (dark, compact objects a detector must learn
 * to tell from a tank). The layout comes from one random stream and the weather from
 * another, so one seed gives the same place under either sky.
 */
import { belowCurveRegion, Canvas, ellipseRegion, mixRgb, polygonRegion, type Rgb } from './raster.js';
import type { SceneRandom } from './scene-random.js';
import { valueNoise } from './value-noise.js';
import { makeWeather, shadeSurface, type Lighting, type Sky } from './weather.js';

/** What later layers (the tank) need to know about the drawn landscape. */
export interface Landscape {
  lighting: Lighting;
  /** Row of the horizon, in pixels. */
  horizon: number;
  /** Top of the open ground (below the far hills) at column x. */
  groundTop(x: number): number;
}

const GRASSES: Rgb[] = [[78, 122, 52], [96, 128, 58], [110, 120, 66], [70, 108, 50]];
const DIRT: Rgb = [120, 100, 70];

/**
 * Paints a landscape under the given sky over the whole canvas.
 *
 * @example
 * const canvas = new Canvas(64, 64);
 * const land = drawLandscape(canvas, layoutRng, weatherRng, 'bright');
 * land.groundTop(32); // first ground row at the middle column
 */
export function drawLandscape(canvas: Canvas, layout: SceneRandom, weatherRng: SceneRandom, sky: Sky): Landscape {
  const size = canvas.width;
  const horizon = layout.range(0.3, 0.5) * size;
  const wave = () => ({ amp: layout.range(0.01, 0.06) * size, freq: layout.range(0.5, 2.5), phase: layout.range(0, 2 * Math.PI) });
  const far = [wave(), wave()];
  const near = wave();
  const farTop = (x: number) => horizon - far.reduce((s, w) => s + w.amp * (1 + Math.sin((2 * Math.PI * w.freq * x) / size + w.phase)), 0);
  const groundTop = (x: number) => horizon + 0.3 * near.amp * Math.sin((2 * Math.PI * near.freq * x) / size + near.phase);
  const grass = mixRgb(layout.pick(GRASSES), layout.pick(GRASSES), layout.next());
  const texture = valueNoise(layout, 4, 3);
  const dirt = valueNoise(layout, 3, 2);
  const dirtAmount = layout.range(0, 0.7);
  const grain = Float32Array.from({ length: size * size }, () => layout.jitter(6));
  const items = distractors(layout, size, horizon);

  const { lighting, skyAt } = makeWeather(weatherRng, sky, size, horizon);
  const haze = skyAt(size / 2, horizon);
  canvas.paint(skyAt);
  const hillColour = mixRgb(lighting.lit(mixRgb(grass, [60, 90, 70], 0.5)), haze, 0.45);
  canvas.fill(belowCurveRegion(size, size, farTop), (x, y) => mixRgb(hillColour, haze, 0.25 * texture(x / size, y / size)));
  canvas.fill(belowCurveRegion(size, size, groundTop), (x, y) => {
    const depth = Math.min(1, Math.max(0, (y - horizon) / (size - horizon)));
    const n = texture(x / size, (y - horizon) / (size - horizon + 1));
    const patch = Math.min(1, Math.max(0, (dirt(x / size, y / size) - 0.55) * 6)) * dirtAmount;
    const base = mixRgb(grass, DIRT, patch);
    const g = grain[Math.min(size - 1, Math.floor(y)) * size + Math.min(size - 1, Math.floor(x))];
    const c = lighting.lit([base[0] * (0.8 + 0.4 * n) + g, base[1] * (0.8 + 0.4 * n) + g, base[2] * (0.8 + 0.4 * n) + g]);
    return mixRgb(c, haze, 0.3 * (1 - depth) ** 3);
  });
  for (const item of items) item.draw(canvas, lighting);
  return { lighting, horizon, groundTop };
}

interface Distractor { y: number; draw(canvas: Canvas, lighting: Lighting): void }

/** Trees, bushes and rocks, far ones first so near ones overlap them. */
function distractors(rng: SceneRandom, size: number, horizon: number): Distractor[] {
  const items: Distractor[] = [];
  const place = (maxDepth: number) => {
    const depth = rng.range(0.03, maxDepth);
    return { x: rng.range(-0.05, 1.05) * size, y: horizon + depth * (size - horizon), depth };
  };
  for (let i = rng.int(2, 6); i > 0; i--) items.push(tree(rng, place(0.7), size));
  for (let i = rng.int(2, 6); i > 0; i--) items.push(bush(rng, place(1), size));
  for (let i = rng.int(0, 3); i > 0; i--) items.push(rock(rng, place(1), size));
  return items.sort((a, b) => a.y - b.y);
}

interface Spot { x: number; y: number; depth: number }

function castShadow(canvas: Canvas, lighting: Lighting, x: number, y: number, width: number): void {
  const shift = lighting.shadowSide * lighting.directional * width * 0.6;
  canvas.shade(ellipseRegion(x + shift, y, width * (0.6 + 0.4 * lighting.directional), width * 0.18), lighting.shadow);
}

function tree(rng: SceneRandom, { x, y, depth }: Spot, size: number): Distractor {
  const h = size * (0.12 + 0.3 * depth) * rng.range(0.8, 1.2);
  const conifer = rng.chance(0.4);
  const leaves: Rgb = [rng.range(35, 65), rng.range(75, 105), rng.range(30, 50)];
  const blobs = Array.from({ length: 3 }, () => [rng.jitter(0.18), rng.jitter(0.12), rng.range(0.2, 0.3)]);
  return {
    y,
    draw(canvas, lighting) {
      castShadow(canvas, lighting, x, y, h * 0.45);
      canvas.fill(polygonRegion([[x - 0.04 * h, y], [x + 0.04 * h, y], [x + 0.03 * h, y - 0.5 * h], [x - 0.03 * h, y - 0.5 * h]]), shadeSurface(lighting, [75, 55, 38], 0));
      const sun = -lighting.shadowSide;
      if (conifer) {
        for (let k = 0; k < 3; k++) {
          const top = y - h * (0.55 + 0.2 * k) - 0.3 * h;
          const base = y - h * (0.25 + 0.2 * k);
          const w = h * (0.32 - 0.07 * k);
          canvas.fill(polygonRegion([[x - w, base], [x + w, base], [x, top]]), (px) => shadeSurface(lighting, leaves, (0.6 * sun * (px - x)) / w));
        }
        return;
      }
      for (const [dx, dy, r] of blobs) {
        const cx = x + dx * h;
        const cy = y - h * (0.68 + dy);
        canvas.fill(ellipseRegion(cx, cy, r * h * 1.2, r * h), (px, py) => shadeSurface(lighting, leaves, (0.6 * sun * (px - cx) - 0.4 * (py - cy)) / (r * h)));
      }
    },
  };
}

function bush(rng: SceneRandom, { x, y, depth }: Spot, size: number): Distractor {
  const r = size * (0.025 + 0.06 * depth) * rng.range(0.8, 1.3);
  const leaves: Rgb = [rng.range(45, 85), rng.range(85, 120), rng.range(35, 55)];
  const lobes = Array.from({ length: rng.int(1, 3) }, () => [rng.jitter(0.8), rng.range(0.7, 1.1)]);
  return {
    y,
    draw(canvas, lighting) {
      castShadow(canvas, lighting, x, y, r * 1.6);
      const sun = -lighting.shadowSide;
      for (const [dx, k] of lobes) {
        const cx = x + dx * r;
        const cy = y - k * r * 0.7;
        canvas.fill(ellipseRegion(cx, cy, k * r * 1.2, k * r * 0.8), (px, py) => shadeSurface(lighting, leaves, (0.5 * sun * (px - cx) - 0.5 * (py - cy)) / r));
      }
    },
  };
}

function rock(rng: SceneRandom, { x, y, depth }: Spot, size: number): Distractor {
  const r = size * (0.015 + 0.04 * depth) * rng.range(0.8, 1.3);
  const stone = rng.range(100, 140);
  return {
    y,
    draw(canvas, lighting) {
      castShadow(canvas, lighting, x, y, r * 1.4);
      const sun = -lighting.shadowSide;
      canvas.fill(ellipseRegion(x, y - r * 0.45, r * 1.3, r * 0.7), (px, py) => shadeSurface(lighting, [stone, stone - 4, stone - 10], (0.5 * sun * (px - x) - 0.6 * (py - y + r * 0.45)) / r));
    },
  };
}
