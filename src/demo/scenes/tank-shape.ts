/**
 * A side-view tank: tracks with road wheels, a hull with a sloped front, a turret, a hatch
 * and a gun barrel, optionally camouflaged, lit by the scene's weather and casting a shadow.
 * Geometry is in units of the hull length with v pointing up, so one description serves
 * every scale and both facings.
 */
import { Canvas, ellipseRegion, intersectRegion, mixRgb, polygonRegion, unionRegion, type Region, type Rgb } from './raster.js';
import type { SceneRandom } from './scene-random.js';
import { shadeSurface, type Lighting } from './weather.js';

/** Where the tank stands: its ground line and facing, in pixels. */
export interface TankPose {
  /** Left edge of the whole tank, barrel included. */
  left: number;
  /** Row on which the tracks rest. */
  ground: number;
  /** Hull length in pixels. */
  length: number;
  facing: 'left' | 'right';
}

const PAINTS: Rgb[] = [[72, 78, 44], [100, 78, 50], [98, 102, 98]];
/** Horizontal extent of the drawing in hull lengths, from the rear of the tracks to the muzzle. */
const EXTENT: [number, number] = [-0.05, 1.4];
const TRACK: [number, number][] = [[0.03, 0], [0.97, 0], [1.02, 0.1], [0.96, 0.2], [0.04, 0.2], [-0.02, 0.1]];
const HULL: [number, number][] = [[-0.04, 0.18], [1.05, 0.18], [0.98, 0.33], [0.1, 0.35], [-0.02, 0.27]];
const TURRET: [number, number][] = [[0.28, 0.34], [0.74, 0.34], [0.68, 0.5], [0.36, 0.52], [0.3, 0.46]];

/** Width of the whole tank drawing (barrel included) in hull lengths. */
export const TANK_WIDTH = EXTENT[1] - EXTENT[0];

/**
 * Draws a tank in the given pose; paint, camouflage and gun elevation come from `rng`.
 *
 * @example
 * drawTank(canvas, rng, lighting, { left: 10, ground: 50, length: 20, facing: 'right' });
 */
export function drawTank(canvas: Canvas, rng: SceneRandom, lighting: Lighting, pose: TankPose): void {
  const L = pose.length;
  const toPixel = ([u, v]: [number, number]): [number, number] => [
    pose.left + (pose.facing === 'right' ? u - EXTENT[0] : EXTENT[1] - u) * L,
    pose.ground - v * L,
  ];
  const poly = (points: [number, number][]) => polygonRegion(points.map(toPixel));
  const paint = mixRgb(rng.pick(PAINTS), [rng.range(60, 110), rng.range(60, 100), rng.range(40, 95)], rng.range(0, 0.35));
  const camo = rng.chance(0.5) ? Array.from({ length: 4 }, () => [rng.range(0, 1), rng.range(0.2, 0.5), rng.range(0.08, 0.16)]) : [];
  const elevation = rng.range(0, 0.15);
  const barrelLength = rng.range(0.55, 0.7);
  // Higher parts face the sky and get more light; a mild cue for the shape under any sky.
  const shadeByHeight = (colour: Rgb) => (_x: number, y: number) => shadeSurface(lighting, colour, Math.min(1, Math.max(-1, ((pose.ground - y) / L - 0.3) * 4)));

  const [cx] = toPixel([0.5, 0]);
  const shift = lighting.shadowSide * lighting.directional * 0.25 * L;
  canvas.shade(ellipseRegion(cx + shift, pose.ground, L * (0.58 + 0.1 * lighting.directional), L * 0.07), lighting.shadow + 0.1);

  canvas.fill(poly(TRACK), shadeSurface(lighting, [38, 38, 34], 0));
  for (let k = 0; k < 5; k++) {
    const [wx, wy] = toPixel([0.14 + 0.18 * k, 0.095]);
    canvas.fill(ellipseRegion(wx, wy, 0.06 * L, 0.06 * L), shadeSurface(lighting, [74, 74, 66], 0.2));
  }
  const hull = poly(HULL);
  const turret = poly(TURRET);
  canvas.fill(hull, shadeByHeight(paint));
  canvas.fill(barrel(toPixel, elevation, barrelLength, L), shadeByHeight(mixRgb(paint, [40, 40, 36], 0.3)));
  canvas.fill(turret, shadeByHeight(mixRgb(paint, [255, 255, 255], 0.06)));
  const dark = mixRgb(paint, [30, 40, 20], 0.45);
  for (const [u, v, r] of camo) {
    const [bx, by] = toPixel([u, v]);
    canvas.fill(intersectRegion(ellipseRegion(bx, by, r * L * 1.6, r * L), unionRegion([hull, turret])), shadeByHeight(dark));
  }
  const [hx, hy] = toPixel([0.46, 0.53]);
  canvas.fill(ellipseRegion(hx, hy, 0.06 * L, 0.025 * L), shadeSurface(lighting, mixRgb(paint, [30, 30, 30], 0.4), 0.5));
}

/** The gun: a thin rotated bar from the turret, thickening at the muzzle. */
function barrel(toPixel: (p: [number, number]) => [number, number], elevation: number, length: number, L: number): Region {
  const [px, py] = [0.66, 0.44];
  const [dx, dy] = [Math.cos(elevation), Math.sin(elevation)];
  const at = (t: number, w: number): [number, number] => toPixel([px + dx * t - dy * w, py + dy * t + dx * w]);
  const w = Math.max(0.022, 0.6 / L);
  return unionRegion([
    polygonRegion([at(0, -w), at(length, -w), at(length, w), at(0, w)]),
    polygonRegion([at(length - 0.08, -w * 1.6), at(length, -w * 1.6), at(length, w * 1.6), at(length - 0.08, w * 1.6)]),
  ]);
}
