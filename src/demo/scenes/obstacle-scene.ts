/**
 * The robot's view: a box on a tiled floor in front of a wall, seen by a camera one unit
 * above the floor, lit from a chosen direction so that the box casts a shadow. The box is
 * either painted like the floor (the hard case that fooled the network of the long-range
 * perception paper) or in a contrasting colour. Sensor readings are the labels.
 */
import { ConvlensError } from '../../errors.js';
import type { RgbImage } from '../../preprocess/rgb-image.js';
import { pointsBox, type Box } from './box.js';
import { clipNear, convexHull, floorAt, project, sensorReadings, type FloorCamera, type FloorPoint, type Point3 } from './floor-geometry.js';
import { Canvas, polygonRegion, scaleRgb, type Rgb } from './raster.js';
import { checkImageSize, sceneRandom, type SceneRandom, type SeedOrRandom } from './scene-random.js';

/** Where the box stands, in world units (camera height 1). */
export interface ObstaclePlacement {
  /** Lateral position of the box's centre (right positive). */
  x: number;
  /** Forward distance of the box's centre from the camera. */
  z: number;
  /** Edge length of the footprint. */
  size: number;
  /** Height of the box. */
  height: number;
  /** Rotation about the vertical axis in radians. */
  yaw: number;
}

/** Options of {@link obstacleScene}. */
export interface ObstacleSceneOptions {
  /** Paint the box in the floor's colour (hard to see) instead of a contrasting colour. */
  sameColour: boolean;
  /**
   * Direction the light comes from, in degrees around the vertical axis: 0 = from behind
   * the camera (shadow falls away from it), 90 = from the right, 180 = from behind the box
   * (shadow falls towards the camera), 270 = from the left.
   */
  light: number;
  /** Height of the light above the horizon in degrees (low light, long shadow); default random 20-60. */
  lightElevation?: number;
  /** Side of the square picture in pixels; default 64. */
  size?: number;
  /** Number of proximity sensors; default 8. */
  sensorCount?: number;
  /** Fixes some or all of the box's placement; the rest is random. */
  placement?: Partial<ObstaclePlacement>;
}

/** A generated view with its labels. */
export interface ObstacleScene {
  image: RgbImage;
  /** Normalized distances from left to right (see {@link SENSOR_RANGE}); 1 = nothing within range. */
  sensors: number[];
  /** Pixels covered by the box's outline (shadow excluded), null if the box is out of view. */
  box: Box | null;
  placement: ObstaclePlacement;
  sameColour: boolean;
  light: number;
}

/** Sensor reach in world units: a reading of 1 means no obstacle this close. */
export const SENSOR_RANGE = 4;
/** Half the width of the robot's front, where the sensors sit, in world units. */
export const SENSOR_HALF_WIDTH = 0.6;

const FLOORS: Rgb[] = [[200, 200, 194], [214, 204, 184], [178, 184, 190], [160, 122, 88], [228, 228, 222], [124, 132, 142]];
const PAINTS: Rgb[] = [[190, 40, 35], [40, 70, 170], [50, 140, 60], [220, 190, 40], [225, 120, 35], [50, 50, 56], [236, 236, 230], [120, 60, 140]];
const WALLS: Rgb[] = [[222, 216, 200], [200, 208, 214], [236, 234, 228], [180, 170, 150]];

/**
 * Generates one view of a box on the floor with its sensor readings.
 *
 * @example
 * const near = obstacleScene(3, { sameColour: true, light: 180, placement: { x: 0, z: 1.5 } });
 * near.sensors; // middle sensors read about (1.5 - size / 2) / 4, outer ones may read 1
 */
export function obstacleScene(seed: SeedOrRandom, options: ObstacleSceneOptions): ObstacleScene {
  const size = options.size ?? 64;
  const sensorCount = options.sensorCount ?? 8;
  checkImageSize('obstacleScene', size);
  if (!Number.isInteger(sensorCount) || sensorCount < 1) {
    throw new ConvlensError('BAD_OPTION', `obstacleScene: sensorCount must be a whole number >= 1, got ${String(sensorCount)}.`);
  }
  if (!Number.isFinite(options.light)) throw new ConvlensError('BAD_OPTION', `obstacleScene: light must be an angle in degrees, got ${String(options.light)}.`);
  const rng = sceneRandom(seed);
  const camera: FloorCamera = { size, focal: 0.8 * size, horizon: rng.range(0.26, 0.34) * size };
  const wallZ = rng.range(8, 14);
  const floor = rng.pick(FLOORS);
  const wall = rng.pick(WALLS);
  const tile = rng.range(0.5, 1);
  const grain = Float32Array.from({ length: size * size }, () => rng.jitter(4));
  const contrasting = PAINTS.filter((p) => Math.hypot(p[0] - floor[0], p[1] - floor[1], p[2] - floor[2]) > 90);
  // Drawn either way, so that a box like the floor and an unlike one share everything else.
  const unlike = rng.pick(contrasting);
  const paint = options.sameColour ? floor : unlike;
  const placement = placeBox(rng, options.placement ?? {});

  const az = (options.light * Math.PI) / 180;
  const el = ((options.lightElevation ?? rng.range(20, 60)) * Math.PI) / 180;
  const toLight: Point3 = [Math.sin(az) * Math.cos(el), Math.sin(el), -Math.cos(az) * Math.cos(el)];
  const ambient = 0.5;
  const direct = rng.range(0.45, 0.6);
  const brightness = (normal: Point3) => ambient + direct * Math.max(0, normal[0] * toLight[0] + normal[1] * toLight[1] + normal[2] * toLight[2]);

  const canvas = new Canvas(size, size);
  const wallRow = camera.horizon + camera.focal / wallZ;
  canvas.paint((px, py) => {
    const g = grain[Math.floor(py) * size + Math.floor(px)];
    const spot = floorAt(camera, px, py);
    if (py < wallRow || spot === null) {
      const baseboard = py > wallRow - 0.02 * size ? 0.7 : 1;
      return scaleRgb(wall, (ambient + direct * 0.6) * baseboard + g / 255);
    }
    return scaleRgb(floor, brightness([0, 1, 0]) * (1 - 0.18 * tileLine(spot, tile, camera.focal)) + g / 255);
  });

  const footprint = corners(placement);
  const top: Point3[] = footprint.map(([x, z]) => [x, placement.height, z]);
  const shadow = convexHull([...footprint, ...top.map(([x, y, z]): FloorPoint => [x - (y * toLight[0]) / toLight[1], z - (y * toLight[2]) / toLight[1]])]);
  const shadowOutline = projectPolygon(camera, shadow.map(([x, z]): Point3 => [x, 0, z]));
  if (shadowOutline.length > 0) canvas.shade(polygonRegion(shadowOutline), direct * 0.75);

  const faces: { outline: [number, number][]; colour: Rgb }[] = [];
  for (let k = 0; k < 4; k++) {
    const [ax, az2] = footprint[k];
    const [bx, bz] = footprint[(k + 1) % 4];
    const normal: Point3 = [bz - az2, 0, -(bx - ax)];
    const length = Math.hypot(normal[0], normal[2]);
    const facesCamera = normal[0] * -(ax + bx) / 2 + normal[2] * -(az2 + bz) / 2 > 0;
    if (!facesCamera) continue;
    const face: Point3[] = [[ax, 0, az2], [bx, 0, bz], [bx, placement.height, bz], [ax, placement.height, az2]];
    faces.push({ outline: projectPolygon(camera, face), colour: scaleRgb(paint, brightness([normal[0] / length, 0, normal[2] / length])) });
  }
  faces.push({ outline: projectPolygon(camera, top), colour: scaleRgb(paint, brightness([0, 1, 0])) });
  // Faces of a convex box seen from outside never overlap, so any drawing order is right.
  for (const face of faces) if (face.outline.length > 0) canvas.fill(polygonRegion(face.outline), face.colour);
  return {
    image: canvas.toImage(),
    sensors: sensorReadings(footprint, sensorCount, SENSOR_HALF_WIDTH, SENSOR_RANGE),
    box: pointsBox(faces.flatMap((f) => f.outline), size, size),
    placement,
    sameColour: options.sameColour,
    light: options.light,
  };
}

/** A random placement in view and clear of the robot, with the caller's fixed values kept. */
function placeBox(rng: SceneRandom, fixed: Partial<ObstaclePlacement>): ObstaclePlacement {
  const size = fixed.size ?? rng.range(0.35, 0.75);
  const height = fixed.height ?? Math.min(0.9, size * rng.range(0.8, 1.2));
  const z = fixed.z ?? rng.range(0.9, 5);
  const x = fixed.x ?? rng.jitter(1) * Math.min(0.9, 0.45 * z);
  const yaw = fixed.yaw ?? rng.jitter(Math.PI / 4);
  return { x, z, size, height, yaw };
}

/** The footprint's corners in order around the box. */
function corners({ x, z, size, yaw }: ObstaclePlacement): FloorPoint[] {
  const c = Math.cos(yaw) * size / 2;
  const s = Math.sin(yaw) * size / 2;
  return [[x - c + s, z - s - c], [x + c + s, z + s - c], [x + c - s, z + s + c], [x - c - s, z - s + c]];
}

/** A convex world polygon in pixel coordinates, cut at the near plane (empty if all behind it). */
function projectPolygon(camera: FloorCamera, polygon: Point3[]): [number, number][] {
  const visible = clipNear(polygon);
  return visible.length < 3 ? [] : visible.map((p) => project(camera, p));
}

/** How much a floor point lies on a grout line (0..1), fading out where lines get thinner than a pixel. */
function tileLine([x, z]: FloorPoint, tile: number, focal: number): number {
  const footprint = z / focal;
  const width = 0.03;
  const along = (v: number) => {
    const f = ((v / tile) % 1 + 1) % 1;
    return Math.max(0, 1 - (Math.min(f, 1 - f) * tile) / Math.max(width, footprint));
  };
  return Math.max(along(x), along(z)) * Math.min(1, (2 * width) / footprint);
}
