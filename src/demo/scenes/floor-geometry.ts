/**
 * Geometry of the robot scenes: a pinhole camera one unit above a flat floor, looking along
 * it, and a row of forward-looking proximity sensors on the robot's front. World units:
 * X to the right, Y up, Z forward from the camera; the camera height is 1.
 */

/** A point in world units. */
export type Point3 = [number, number, number];
/** A point on the floor: [X, Z]. */
export type FloorPoint = [number, number];

/** Objects nearer than this are cut off: they would be behind or inside the lens. */
const NEAR = 0.15;

/** The camera of a `size x size` picture: focal length and horizon row in pixels. */
export interface FloorCamera {
  size: number;
  focal: number;
  horizon: number;
}

/**
 * Projects a world point to pixel coordinates.
 *
 * @example
 * project({ size: 64, focal: 51, horizon: 20 }, [0, 0, 2]); // floor point 2 units ahead
 */
export function project(camera: FloorCamera, [x, y, z]: Point3): [number, number] {
  return [camera.size / 2 + (camera.focal * x) / z, camera.horizon + (camera.focal * (1 - y)) / z];
}

/**
 * The floor point seen at a pixel, or null above the horizon.
 *
 * @example
 * const [X, Z] = floorAt(camera, 32, 60)!;
 */
export function floorAt(camera: FloorCamera, px: number, py: number): FloorPoint | null {
  if (py <= camera.horizon) return null;
  const z = camera.focal / (py - camera.horizon);
  return [((px - camera.size / 2) * z) / camera.focal, z];
}

/**
 * Cuts a convex polygon to the part in front of the near plane, so that it projects without
 * wrapping through infinity (a shadow that reaches under the robot, a box beside the lens).
 *
 * @example
 * clipNear([[0, 0, -1], [0, 0, 3], [1, 0, 3]]).length; // 4
 */
export function clipNear(polygon: Point3[]): Point3[] {
  const out: Point3[] = [];
  for (let i = 0; i < polygon.length; i++) {
    const a = polygon[i];
    const b = polygon[(i + 1) % polygon.length];
    if (a[2] >= NEAR) out.push(a);
    if (a[2] >= NEAR !== b[2] >= NEAR) {
      const t = (NEAR - a[2]) / (b[2] - a[2]);
      out.push([a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, NEAR]);
    }
  }
  return out;
}

/**
 * The convex hull of floor points, counter-clockwise (Andrew's monotone chain): the outline
 * of a box's cast shadow is the hull of its footprint and its top corners' shadows.
 *
 * @example
 * convexHull([[0, 0], [1, 0], [0, 1], [0.2, 0.2]]); // [[0,0],[1,0],[0,1]]
 */
export function convexHull(points: FloorPoint[]): FloorPoint[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const cross = (o: FloorPoint, a: FloorPoint, b: FloorPoint) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const half = (list: FloorPoint[]) => {
    const chain: FloorPoint[] = [];
    for (const p of list) {
      while (chain.length >= 2 && cross(chain[chain.length - 2], chain[chain.length - 1], p) <= 0) chain.pop();
      chain.push(p);
    }
    chain.pop();
    return chain;
  };
  return [...half(sorted), ...half([...sorted].reverse())];
}

/**
 * Readings of `count` proximity sensors spread evenly across the robot's front (from
 * X = -halfWidth to +halfWidth, left to right), each looking straight ahead: the distance to
 * the first crossing of a footprint edge, divided by `range`, or 1 when nothing is within range.
 *
 * @example
 * sensorReadings([[-0.3, 2], [0.3, 2], [0.3, 2.6], [-0.3, 2.6]], 8, 0.6, 4); // middle sensors 0.5
 */
export function sensorReadings(footprint: FloorPoint[], count: number, halfWidth: number, range: number): number[] {
  return Array.from({ length: count }, (_, i) => {
    const x = halfWidth * (((i + 0.5) / count) * 2 - 1);
    let nearest = Infinity;
    for (let k = 0; k < footprint.length; k++) {
      const [ax, az] = footprint[k];
      const [bx, bz] = footprint[(k + 1) % footprint.length];
      if (ax === bx || (x - ax) * (x - bx) > 0) continue;
      const z = az + ((x - ax) * (bz - az)) / (bx - ax);
      if (z >= 0) nearest = Math.min(nearest, z);
    }
    return Math.min(1, nearest / range);
  });
}
