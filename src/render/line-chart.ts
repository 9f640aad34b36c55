/**
 * Line charts as pictures: a few named series over a shared x axis, with axes, tick labels,
 * a title and a legend, drawn with the built-in font so they need no fonts or canvas.
 */
import { DEFAULT_TEXT_SIZE, drawText, fitText, measureText } from '../image/text.js';
import type { RgbImage } from '../preprocess/rgb-image.js';

export interface LineSeries {
  label: string;
  x: number[];
  y: number[];
}

export interface LineChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Plot area in pixels; default 360 x 220. */
  width?: number;
  height?: number;
  /** Fixed y range, e.g. [0, 1] for probabilities; default the data's range, padded. */
  yRange?: [number, number];
}

/** Ten distinguishable colours (the category10 palette). */
const palette: [number, number, number][] = [
  [31, 119, 180], [255, 127, 14], [44, 160, 44], [214, 39, 40], [148, 103, 189],
  [140, 86, 75], [227, 119, 194], [127, 127, 127], [188, 189, 34], [23, 190, 207],
];

const TEXT = DEFAULT_TEXT_SIZE;
const GLYPH_H = measureText('0', TEXT).height;

/** A step of 1, 2 or 5 times a power of ten giving about `count` ticks over [lo, hi]. */
function ticks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  return out;
}

const label = (v: number) => (Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(3))));

function setPixel(img: RgbImage, x: number, y: number, c: [number, number, number]): void {
  if (x < 0 || y < 0 || x >= img.width || y >= img.height) return;
  const o = (y * img.width + x) * 3;
  img.data[o] = c[0]; img.data[o + 1] = c[1]; img.data[o + 2] = c[2];
}

/** A straight line `thickness` pixels wide (a square brush stepped along its longer axis). */
function line(img: RgbImage, x0: number, y0: number, x1: number, y1: number, c: [number, number, number], thickness = 2): void {
  const n = Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0), 1);
  for (let i = 0; i <= n; i++) {
    const x = Math.round(x0 + ((x1 - x0) * i) / n);
    const y = Math.round(y0 + ((y1 - y0) * i) / n);
    for (let dy = 0; dy < thickness; dy++) for (let dx = 0; dx < thickness; dx++) setPixel(img, x + dx, y + dy, c);
  }
}

/**
 * Draws series as coloured lines, one colour each in order, with the legend on the right.
 *
 * @example
 * const img = lineChart([{ label: 'gradcam', x: [0, 0.5, 1], y: [0.9, 0.2, 0.1] }], { title: 'deletion', xLabel: 'fraction removed', yLabel: 'probability', yRange: [0, 1] });
 */
export function lineChart(series: LineSeries[], options: LineChartOptions): RgbImage {
  const pw = options.width ?? 360;
  const ph = options.height ?? 220;
  const legendWidth = Math.max(...series.map((s) => measureText(s.label, TEXT).width), 0) + 40;
  const left = 70;
  const top = GLYPH_H * 2 + 24;
  const bottom = GLYPH_H * 2 + 22;
  const width = left + pw + 16 + legendWidth;
  const height = Math.max(top + ph + bottom, top + series.length * (GLYPH_H + 8) + 8);
  const img: RgbImage = { width, height, data: new Uint8ClampedArray(width * height * 3).fill(255) };
  const xs = series.flatMap((s) => s.x);
  const ys = series.flatMap((s) => s.y).filter(Number.isFinite);
  const [x0, x1] = xs.length ? [Math.min(...xs), Math.max(...xs)] : [0, 1];
  let [y0, y1] = options.yRange ?? (ys.length ? [Math.min(...ys), Math.max(...ys)] : [0, 1]);
  if (!(y1 > y0)) [y0, y1] = [y0 - 0.5, y0 + 0.5];
  if (!options.yRange) [y0, y1] = [y0 - 0.05 * (y1 - y0), y1 + 0.05 * (y1 - y0)];
  const px = (v: number) => left + Math.round(((v - x0) / (x1 > x0 ? x1 - x0 : 1)) * pw);
  const py = (v: number) => top + Math.round((1 - (v - y0) / (y1 - y0)) * ph);
  const grey: [number, number, number] = [225, 225, 225];
  const ink: [number, number, number] = [40, 40, 40];
  for (const t of ticks(y0, y1, 5)) {
    line(img, left, py(t), left + pw, py(t), grey, 1);
    const text = label(t);
    drawText(img, text, left - 8 - measureText(text, TEXT).width, py(t) - GLYPH_H / 2, { size: TEXT, color: ink });
  }
  for (const t of ticks(x0, x1, 5)) {
    line(img, px(t), top + ph, px(t), top + ph + 5, ink, 1);
    const text = label(t);
    drawText(img, text, px(t) - measureText(text, TEXT).width / 2, top + ph + 9, { size: TEXT, color: ink });
  }
  line(img, left, top, left, top + ph, ink, 1);
  line(img, left, top + ph, left + pw, top + ph, ink, 1);
  drawText(img, fitText(options.title, width - 8, TEXT), 4, 4, { size: TEXT, color: [0, 0, 0] });
  drawText(img, fitText(options.yLabel, width - 8, TEXT), 4, 8 + GLYPH_H, { size: TEXT, color: ink });
  const xl = fitText(options.xLabel, pw, TEXT);
  drawText(img, xl, left + (pw - measureText(xl, TEXT).width) / 2, top + ph + 14 + GLYPH_H, { size: TEXT, color: ink });
  series.forEach((s, k) => {
    const colour = palette[k % palette.length];
    for (let i = 1; i < s.x.length; i++) {
      if (Number.isFinite(s.y[i - 1]) && Number.isFinite(s.y[i])) line(img, px(s.x[i - 1]), py(s.y[i - 1]), px(s.x[i]), py(s.y[i]), colour);
    }
    if (s.x.length === 1) line(img, px(s.x[0]) - 2, py(s.y[0]) - 2, px(s.x[0]) + 2, py(s.y[0]) + 2, colour, 3);
    const ly = top + k * (GLYPH_H + 8);
    line(img, left + pw + 16, ly + GLYPH_H / 2, left + pw + 36, ly + GLYPH_H / 2, colour, 3);
    drawText(img, s.label, left + pw + 42, ly, { size: TEXT, color: ink });
  });
  return img;
}
