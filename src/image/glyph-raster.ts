/**
 * Antialiased filling of glyph outlines: TrueType quadratic contours are flattened into
 * line segments, and each pixel's coverage is accumulated with the non-zero winding rule
 * over several sub-scanlines per pixel row, with exact fractional coverage along x. Pure
 * arithmetic on typed arrays, so text looks the same in Node and in the browser.
 */

/** Sub-scanlines per pixel row. */
const SUBROWS = 15;

/** A line segment of an outline, in pixel coordinates (y down). */
interface Edge { x0: number; y0: number; x1: number; y1: number }

/**
 * Line segments of TrueType contours (flat [x, y, onCurve, ...] in font units, y up),
 * placed with `scale` pixels per unit at origin (`ox`, `oy`) (the baseline's left end).
 */
export function outlineEdges(contours: readonly (readonly number[])[], scale: number, ox: number, oy: number): Edge[] {
  const edges: Edge[] = [];
  const px = (x: number) => ox + x * scale;
  const py = (y: number) => oy - y * scale;
  for (const c of contours) {
    const n = c.length / 3;
    if (n < 2) continue;
    // Points as on-curve anchors and off-curve controls; two controls in a row imply an anchor between them.
    const pts: [number, number, boolean][] = [];
    for (let i = 0; i < n; i++) pts.push([px(c[3 * i]), py(c[3 * i + 1]), c[3 * i + 2] === 1]);
    let startIndex = pts.findIndex((p) => p[2]);
    let start: [number, number];
    if (startIndex < 0) {
      start = [(pts[0][0] + pts[1][0]) / 2, (pts[0][1] + pts[1][1]) / 2];
      startIndex = 0;
    } else {
      start = [pts[startIndex][0], pts[startIndex][1]];
    }
    let [cx, cy] = start;
    let control: [number, number] | null = null;
    const lineTo = (x: number, y: number) => { edges.push({ x0: cx, y0: cy, x1: x, y1: y }); cx = x; cy = y; };
    const quadTo = (qx: number, qy: number, x: number, y: number) => {
      const steps = Math.max(2, Math.min(16, Math.ceil(Math.hypot(x - cx, y - cy) / 1.5)));
      const [sx, sy] = [cx, cy];
      for (let k = 1; k <= steps; k++) {
        const t = k / steps;
        const u = 1 - t;
        lineTo(u * u * sx + 2 * u * t * qx + t * t * x, u * u * sy + 2 * u * t * qy + t * t * y);
      }
    };
    for (let k = 1; k <= n; k++) {
      const [x, y, on] = pts[(startIndex + k) % n];
      if (on) {
        if (control) quadTo(control[0], control[1], x, y); else lineTo(x, y);
        control = null;
      } else if (control) {
        const mx = (control[0] + x) / 2;
        const my = (control[1] + y) / 2;
        quadTo(control[0], control[1], mx, my);
        control = [x, y];
      } else {
        control = [x, y];
      }
    }
    if (control) quadTo(control[0], control[1], start[0], start[1]);
    else if (cx !== start[0] || cy !== start[1]) lineTo(start[0], start[1]);
  }
  return edges;
}

/** Adds the horizontal coverage of the span [a, b) (pixel units) to one row of `coverage`, weighted by `w`. */
function addSpan(row: Float32Array, a: number, b: number, w: number): void {
  const width = row.length;
  const lo = Math.max(0, a);
  const hi = Math.min(width, b);
  if (!(hi > lo)) return;
  const first = Math.floor(lo);
  const last = Math.floor(hi);
  if (first === last) { row[first] += (hi - lo) * w; return; }
  row[first] += (first + 1 - lo) * w;
  for (let x = first + 1; x < last; x++) row[x] += w;
  if (last < width) row[last] += (hi - last) * w;
}

/**
 * Accumulates into `coverage` (`width * height`, values in [0, 1]) the area of the shape
 * bounded by `edges` under the non-zero winding rule.
 */
export function fillEdges(edges: readonly Edge[], coverage: Float32Array, width: number, height: number): void {
  if (edges.length === 0) return;
  let top = Infinity;
  let bottom = -Infinity;
  for (const e of edges) { top = Math.min(top, e.y0, e.y1); bottom = Math.max(bottom, e.y0, e.y1); }
  const rowFrom = Math.max(0, Math.floor(top));
  const rowTo = Math.min(height - 1, Math.ceil(bottom));
  const crossings: { x: number; dir: number }[] = [];
  for (let py = rowFrom; py <= rowTo; py++) {
    const row = coverage.subarray(py * width, (py + 1) * width);
    for (let s = 0; s < SUBROWS; s++) {
      const y = py + (s + 0.5) / SUBROWS;
      crossings.length = 0;
      for (const e of edges) {
        if ((e.y0 <= y && e.y1 > y) || (e.y1 <= y && e.y0 > y)) {
          crossings.push({ x: e.x0 + ((y - e.y0) / (e.y1 - e.y0)) * (e.x1 - e.x0), dir: e.y1 > e.y0 ? 1 : -1 });
        }
      }
      crossings.sort((a, b) => a.x - b.x);
      let winding = 0;
      for (let i = 0; i < crossings.length - 1; i++) {
        winding += crossings[i].dir;
        if (winding !== 0) addSpan(row, crossings[i].x, crossings[i + 1].x, 1 / SUBROWS);
      }
    }
  }
}
