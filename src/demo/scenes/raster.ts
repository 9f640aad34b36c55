/**
 * A tiny anti-aliased rasterizer for the scene generators: shapes are regions (an inside
 * test plus a bounding box), painted with 4x4 supersampling so that small objects keep
 * smooth, size-independent edges at 32 or 64 pixels.
 */
import type { RgbImage } from '../../preprocess/rgb-image.js';

/** An RGB colour with 0-255 channels (floats allowed; rounding happens once, at the end). */
export type Rgb = [number, number, number];

/** A set of points in pixel coordinates (x right, y down; pixel centres at +0.5). */
export interface Region {
  inside(x: number, y: number): boolean;
  /** A box that contains the region: [x0, y0, x1, y1]. */
  bounds: [number, number, number, number];
}

/** The polygon through `points` ([x, y] pairs), even-odd rule. */
export function polygonRegion(points: [number, number][]): Region {
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return {
    bounds: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)],
    inside(x, y) {
      let inside = false;
      for (let i = 0, j = points.length - 1; i < points.length; j = i++) {
        const [xi, yi] = points[i];
        const [xj, yj] = points[j];
        if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
      }
      return inside;
    },
  };
}

/** The ellipse centred at (cx, cy) with radii rx, ry, rotated by `angle` radians. */
export function ellipseRegion(cx: number, cy: number, rx: number, ry: number, angle = 0): Region {
  const c = Math.cos(angle);
  const s = Math.sin(angle);
  const r = Math.max(rx, ry);
  return {
    bounds: [cx - r, cy - r, cx + r, cy + r],
    inside(x, y) {
      const u = ((x - cx) * c + (y - cy) * s) / rx;
      const v = (-(x - cx) * s + (y - cy) * c) / ry;
      return u * u + v * v <= 1;
    },
  };
}

/**
 * Everything at or below the curve `y = top(x)` across a canvas `width` wide. The curve is
 * tabulated once at the supersampling columns, so filling a whole-picture hill costs one
 * evaluation per column instead of one per sample.
 */
export function belowCurveRegion(width: number, height: number, top: (x: number) => number): Region {
  const tops = Float64Array.from({ length: width * SUB }, (_, k) => top((k + 0.5) / SUB));
  const last = tops.length - 1;
  return {
    bounds: [0, Math.min(...tops), width, height],
    inside: (x, y) => y >= tops[Math.min(last, Math.max(0, Math.floor(x * SUB)))],
  };
}

/** Points in `a` and not in `b`. */
export function differenceRegion(a: Region, b: Region): Region {
  return { bounds: a.bounds, inside: (x, y) => a.inside(x, y) && !b.inside(x, y) };
}

/** Points in both `a` and `b`. */
export function intersectRegion(a: Region, b: Region): Region {
  return { bounds: a.bounds, inside: (x, y) => a.inside(x, y) && b.inside(x, y) };
}

/** Points in any of `parts`. */
export function unionRegion(parts: Region[]): Region {
  return {
    bounds: [
      Math.min(...parts.map((p) => p.bounds[0])), Math.min(...parts.map((p) => p.bounds[1])),
      Math.max(...parts.map((p) => p.bounds[2])), Math.max(...parts.map((p) => p.bounds[3])),
    ],
    inside: (x, y) => parts.some((p) => p.inside(x, y)),
  };
}

const SUB = 4;

/**
 * A float RGB drawing surface. Colours stay unrounded while a scene is composed and are
 * rounded once by {@link Canvas.toImage}.
 *
 * @example
 * const canvas = new Canvas(32, 32, [255, 255, 255]);
 * canvas.fill(ellipseRegion(16, 16, 8, 8), [200, 0, 0]);
 * const img = canvas.toImage();
 */
export class Canvas {
  readonly data: Float32Array;

  constructor(readonly width: number, readonly height: number, background: Rgb = [0, 0, 0]) {
    this.data = new Float32Array(width * height * 3);
    for (let i = 0; i < this.data.length; i += 3) this.setPixel(i, background);
  }

  /** Sets every pixel from a function of its centre coordinates. */
  paint(colourAt: (x: number, y: number) => Rgb): void {
    for (let y = 0; y < this.height; y++) {
      for (let x = 0; x < this.width; x++) this.setPixel((y * this.width + x) * 3, colourAt(x + 0.5, y + 0.5));
    }
  }

  private setPixel(i: number, c: Rgb): void {
    // Three stores: TypedArray.set from a plain array is several times slower in V8.
    this.data[i] = c[0]; this.data[i + 1] = c[1]; this.data[i + 2] = c[2];
  }

  /** Calls `visit` with each pixel's coverage by `region` (0..1], skipping uncovered pixels. */
  forCoverage(region: Region, visit: (index: number, coverage: number, x: number, y: number) => void): void {
    const x0 = Math.max(0, Math.floor(region.bounds[0]));
    const y0 = Math.max(0, Math.floor(region.bounds[1]));
    const x1 = Math.min(this.width - 1, Math.ceil(region.bounds[2]));
    const y1 = Math.min(this.height - 1, Math.ceil(region.bounds[3]));
    for (let y = y0; y <= y1; y++) {
      for (let x = x0; x <= x1; x++) {
        let hits = 0;
        for (let sy = 0; sy < SUB; sy++) {
          for (let sx = 0; sx < SUB; sx++) {
            if (region.inside(x + (sx + 0.5) / SUB, y + (sy + 0.5) / SUB)) hits++;
          }
        }
        if (hits > 0) visit((y * this.width + x) * 3, hits / (SUB * SUB), x + 0.5, y + 0.5);
      }
    }
  }

  /** Blends a colour (or a colour function of the pixel centre) over `region`. */
  fill(region: Region, colour: Rgb | ((x: number, y: number) => Rgb), opacity = 1): void {
    this.forCoverage(region, (i, coverage, x, y) => {
      const c = typeof colour === 'function' ? colour(x, y) : colour;
      const a = coverage * opacity;
      for (let k = 0; k < 3; k++) this.data[i + k] += (c[k] - this.data[i + k]) * a;
    });
  }

  /** Darkens `region` by `strength` (0 = unchanged, 1 = black): a cast shadow. */
  shade(region: Region, strength: number): void {
    this.forCoverage(region, (i, coverage) => {
      const f = 1 - strength * coverage;
      for (let k = 0; k < 3; k++) this.data[i + k] *= f;
    });
  }

  /** The picture, rounded (to nearest) and clamped to bytes. */
  toImage(): RgbImage {
    return { width: this.width, height: this.height, data: new Uint8ClampedArray(this.data) };
  }
}

/** `a` + (`b` - `a`) * t, per channel. */
export function mixRgb(a: Rgb, b: Rgb, t: number): Rgb {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

/** Each channel times `f`. */
export function scaleRgb(c: Rgb, f: number): Rgb {
  return [c[0] * f, c[1] * f, c[2] * f];
}
