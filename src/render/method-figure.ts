/**
 * One explained item as a figure that stands on its own: the method's picture under a title
 * naming the method, layer, target and model, with a colour bar in the units of the map.
 */
import { overlayWholePicture } from '../image/model-crop.js';
import { saliencyScale } from '../image/overlay.js';
import type { PreprocessSpec } from '../preprocess/preprocess-images.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import type { MethodOutput } from '../methods/registry.js';
import { softmax } from '../numeric/softmax.js';
import { valueRange } from '../numeric/value-range.js';
import { figureWithLegend, formatPercent, formatValue, type ColorBar } from './figure.js';
import { defaultOverlay, itemOf, methodImage, type MethodImageOptions } from './method-image.js';

export interface MethodFigureOptions extends MethodImageOptions {
  /** Method name as shown, e.g. "gradcam". */
  method: string;
  /** Class names of the model, or null. */
  labels: readonly string[] | null;
  /** Outputs are regression values, not class scores: the target's value is shown as is. */
  values?: boolean;
  /** Model name, when it helps tell figures apart. */
  model?: string;
  /** What the target is when it is not a class (a unit of a layer, the sum of the outputs). */
  targetText?: string;
  /** How a layer is named in the title, e.g. by its module path; default as the method reports it. */
  layerName?: (layer: string) => string;
  /**
   * Show heatmaps over the original pictures (before resize and crop), the model's region
   * framed, instead of over the model-sized input.
   */
  whole?: { pictures: RgbImage[]; spec: Pick<PreprocessSpec, 'size' | 'resize' | 'cropFraction'> };
}

/**
 * "tabby 62%" (class and probability), "sensor 3 = 0.41" (a value), or what the weights are.
 *
 * @example
 * targetCaption(result, 0, model.labels); // "tabby 62.1%"
 */
export function targetCaption(result: MethodOutput, m: number, labels: readonly string[] | null, values = false, otherwise = 'weighted outputs'): string {
  const t = result.target[m];
  if (t === null) return otherwise;
  const scores = itemOf(result.scores, m).data;
  const name = labels?.[t] ?? `class ${t}`;
  return values ? `${name} = ${formatValue(scores[t])}` : `${name} ${formatPercent(softmax(scores)[t])}`;
}

/**
 * The picture of item `m` of `result` with its title and colour bar.
 *
 * @example
 * const png = encodePng(methodFigure(result, 0, seen, { method: 'gradcam', labels: model.labels, model: 'resnet50' }));
 */
export function methodFigure(result: MethodOutput, m: number, images: RgbImage[], options: MethodFigureOptions): RgbImage {
  const whole = options.whole && result.display === 'heatmap' ? options.whole : undefined;
  const picture = whole
    ? overlayWholePicture(whole.pictures[result.image[m]], itemOf(result.map, m).data, whole.spec, {
      alpha: options.alpha ?? defaultOverlay.alpha, colormap: options.colormap ?? defaultOverlay.colormap,
    })
    : methodImage(result, m, images, options);
  const target = options.targetText ?? targetCaption(result, m, options.labels, options.values);
  const layer = result.layer === undefined ? undefined : (options.layerName?.(result.layer) ?? result.layer);
  const title = [options.method, layer, target, options.model].filter((p) => p !== undefined).join(' · ');
  const raw = itemOf(result.raw, m);
  let colorBar: ColorBar;
  let subtitle: string;
  if (result.display === 'gradient') {
    const mode = options.gradient ?? 'color';
    const max = saliencyScale(raw.data, raw.shape as [number, number, number], { mode });
    colorBar = mode === 'gray'
      ? { kind: 'magnitude', max, caption: 'largest |gradient| over channels' }
      : { kind: 'signed', max, caption: 'each colour channel its own signed gradient' };
    subtitle = 'scale: 99th percentile of the magnitude';
  } else {
    const [min, max] = valueRange(raw.data);
    colorBar = { kind: 'colormap', colormap: options.colormap ?? defaultOverlay.colormap, min, max, caption: `${options.method} map over the picture` };
    subtitle = `scaled per image, minimum to maximum; opacity ${options.alpha ?? defaultOverlay.alpha}`
      + (whole ? '; the whole picture, the red frame is what the model sees' : '');
  }
  return figureWithLegend(picture, { title, subtitle, colorBar });
}
