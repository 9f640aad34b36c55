/**
 * The ten outlines of the shapes dataset, each a region built from a centre, a radius and a
 * rotation. The classes are chosen to stay distinct under any rotation (no square/diamond
 * pair) while sharing sizes and colours, so only the outline tells them apart.
 */
import { differenceRegion, ellipseRegion, polygonRegion, type Region } from './raster.js';

/** Class names of the shapes dataset, in label order. */
export const shapeClassNames = ['circle', 'square', 'triangle', 'star', 'cross', 'ring', 'heart', 'crescent', 'hexagon', 'bar'] as const;

/** One of {@link shapeClassNames}. */
export type ShapeClass = (typeof shapeClassNames)[number];

/** Where and how large a shape is drawn, in pixels and radians. */
export interface ShapePose { cx: number; cy: number; radius: number; angle: number }

/** A polygon from [radius factor, angle] pairs in the shape's own frame. */
function radial(pose: ShapePose, spokes: [number, number][]): Region {
  return polygonRegion(spokes.map(([k, a]) => [
    pose.cx + k * pose.radius * Math.cos(a + pose.angle),
    pose.cy + k * pose.radius * Math.sin(a + pose.angle),
  ]));
}

function regular(pose: ShapePose, sides: number, k: number): Region {
  return radial(pose, Array.from({ length: sides }, (_, i): [number, number] => [k, (2 * Math.PI * i) / sides - Math.PI / 2]));
}

/** A polygon from [x, y] points in units of the radius, rotated about the centre. */
function local(pose: ShapePose, points: [number, number][]): Region {
  return radial(pose, points.map(([x, y]): [number, number] => [Math.hypot(x, y), Math.atan2(y, x)]));
}

/** An implicit shape: `inside(u, v)` in the shape's frame, in units of the radius, v up. */
function implicit(pose: ShapePose, inside: (u: number, v: number) => boolean): Region {
  const c = Math.cos(pose.angle);
  const s = Math.sin(pose.angle);
  const r = pose.radius;
  return {
    bounds: [pose.cx - 1.3 * r, pose.cy - 1.3 * r, pose.cx + 1.3 * r, pose.cy + 1.3 * r],
    inside: (x, y) => {
      const dx = (x - pose.cx) / r;
      const dy = (y - pose.cy) / r;
      return inside(dx * c + dy * s, -(-dx * s + dy * c));
    },
  };
}

/**
 * The region of a shape class at a pose.
 *
 * @example
 * canvas.fill(shapeRegion('star', { cx: 16, cy: 16, radius: 10, angle: 0.3 }), [250, 200, 0]);
 */
export function shapeRegion(shape: ShapeClass, pose: ShapePose): Region {
  const { cx, cy, radius: r, angle } = pose;
  switch (shape) {
    case 'circle': return ellipseRegion(cx, cy, r, r);
    case 'square': return regular(pose, 4, 1.05);
    case 'triangle': return regular(pose, 3, 1.2);
    case 'star': return radial(pose, Array.from({ length: 10 }, (_, i): [number, number] => [i % 2 === 0 ? 1.2 : 0.5, (Math.PI * i) / 5 - Math.PI / 2]));
    case 'cross': {
      const w = 0.32;
      return local(pose, [[-w, -1], [w, -1], [w, -w], [1, -w], [1, w], [w, w], [w, 1], [-w, 1], [-w, w], [-1, w], [-1, -w], [-w, -w]]);
    }
    case 'ring': return differenceRegion(ellipseRegion(cx, cy, r, r), ellipseRegion(cx, cy, 0.58 * r, 0.58 * r));
    // The classic heart curve (x² + y² - 1)³ = x²y³, scaled so it spans about one radius each way.
    case 'heart': return implicit(pose, (u, v) => {
      const [x, y] = [u * 1.1, v * 1.1 - 0.1];
      const q = x * x + y * y - 1;
      return q * q * q - x * x * y * y * y <= 0;
    });
    case 'crescent': return differenceRegion(ellipseRegion(cx, cy, r, r), ellipseRegion(cx + 0.5 * r * Math.cos(angle), cy + 0.5 * r * Math.sin(angle), 0.82 * r, 0.82 * r));
    case 'hexagon': return regular(pose, 6, 1.05);
    case 'bar': return local(pose, [[-1.1, -0.3], [1.1, -0.3], [1.1, 0.3], [-1.1, 0.3]]);
  }
}
