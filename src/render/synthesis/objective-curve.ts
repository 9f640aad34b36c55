/** The objective at every step of a synthesis as a small line chart. */
import { ConvlensError } from '../../errors.js';
import { drawText, measureText } from '../../image/text.js';
import type { RgbImage } from '../../preprocess/rgb-image.js';

export interface CurveOptions {
  width?: number;
  height?: number;
  title?: string;
}

function fill(img: RgbImage, x0: number, y0: number, w: number, h: number, rgb: [number, number, number]): void {
  for (let y = Math.max(0, y0); y < Math.min(img.height, y0 + h); y++) {
    for (let x = Math.max(0, x0); x < Math.min(img.width, x0 + w); x++) img.data.set(rgb, (y * img.width + x) * 3);
  }
}

const label = (v: number) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : v.toFixed(2));

/**
 * Draws `values` (one per step) as a line between axes labelled with the first and last step
 * and the lowest and highest value.
 *
 * @example
 * const chart = objectiveCurve(result.curve, { title: 'class 3 logit' });
 */
export function objectiveCurve(values: number[], options: CurveOptions = {}): RgbImage {
  if (values.length === 0 || !values.every(Number.isFinite)) throw new ConvlensError('BAD_INPUT', 'An objective curve needs at least one finite value.');
  const width = options.width ?? 360, height = options.height ?? 180;
  const img: RgbImage = { width, height, data: new Uint8ClampedArray(width * height * 3).fill(255) };
  const lo = Math.min(...values), hi = Math.max(...values);
  const text = measureText('0', 1).height;
  const left = measureText('-0.0e+0', 1).width + 8, right = 10, top = text + 10, bottom = 2 * text + 12;
  const plotW = width - left - right, plotH = height - top - bottom;
  drawText(img, options.title ?? 'objective per step', left, 4);
  fill(img, left, top, 1, plotH + 1, [0, 0, 0]);
  fill(img, left, top + plotH, plotW + 1, 1, [0, 0, 0]);
  drawText(img, label(hi), 2, top);
  drawText(img, label(lo), 2, top + plotH - text);
  drawText(img, '0', left, top + plotH + 4);
  const last = String(values.length - 1);
  drawText(img, last, left + plotW - measureText(last).width, top + plotH + 4);
  drawText(img, 'step', left + Math.floor(plotW / 2) - 10, top + plotH + 6 + text);
  const span = hi - lo || 1;
  const point = (i: number) => [left + (values.length === 1 ? 0 : (i * plotW) / (values.length - 1)), top + plotH - ((values[i] - lo) / span) * plotH];
  for (let i = 0; i + 1 < values.length || i === 0; i++) {
    const [x0, y0] = point(i);
    const [x1, y1] = point(Math.min(i + 1, values.length - 1));
    const n = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let k = 0; k <= n; k++) fill(img, Math.round(x0 + ((x1 - x0) * k) / n), Math.round(y0 + ((y1 - y0) * k) / n) - 1, 2, 2, [31, 119, 180]);
    if (values.length === 1) break;
  }
  return img;
}
