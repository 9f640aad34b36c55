/**
 * Worker side of explanations: runs a registered method on the current picture with the
 * options the page generated from the registry, renders the result as the CLI does, and
 * re-renders or exports a kept result on request.
 */
import {
  attributionShareInBox, colormapNames, cropToMask, drawBox, encodeNpy, encodePng, findMethod, maskBoundingBox, methodImage,
  tensorToImages, thresholdMask, type ColormapName, type MethodOptions, type RgbImage,
} from '../browser/index.js';
import type { ExplainResult, Slot, ViewOptions } from './protocol.js';
import type { StoredResult, WorkerState } from './worker-state.js';

export interface ExplainRequest {
  slot: Slot;
  method: string;
  options: Record<string, string | true>;
  target: number | null;
  layer: string | null;
  view: ViewOptions;
}

/** The typed option values, each parsed by the method's own description (so errors read as on the command line). */
function parseOptions(method: string, given: Record<string, string | true>): Partial<MethodOptions> {
  const entry = findMethod(method);
  const parsed: Record<string, unknown> = {};
  for (const [key, spec] of Object.entries(entry.options)) {
    const text = given[spec.flag];
    if (text === undefined || text === '') continue;
    parsed[key] = spec.parse(text);
  }
  return parsed as Partial<MethodOptions>;
}

const item = (data: Float32Array, m: number, size: number) => data.subarray(m * size, (m + 1) * size);

/** Item 0 of a result rendered with the page's view options (overlay opacity, colours, box or crop). */
export function renderResult(stored: StoredResult, view: ViewOptions): RgbImage {
  const colormap = (colormapNames as readonly string[]).includes(view.colormap) ? view.colormap as ColormapName : 'viridis';
  const { output, input } = stored;
  const picture = methodImage(output, 0, [input], { alpha: view.alpha, colormap });
  if (output.display !== 'heatmap' || view.mark === 'none') return picture;
  const map = item(output.map.data, 0, input.width * input.height);
  const mask = thresholdMask(map, { threshold: 0.5 });
  if (view.mark === 'crop') return cropToMask(input, mask);
  const box = maskBoundingBox(mask, input.width, input.height);
  return box ? drawBox(picture, box, [255, 40, 40]) : picture;
}

/**
 * The class the method explains: the one asked for, else the top prediction when the
 * predictions of this picture are known (or being computed), which spares the method its
 * own forward pass to find it; else undefined, for the method's own top-1.
 */
async function targetOf(state: WorkerState, req: ExplainRequest): Promise<number | undefined> {
  if (req.target !== null) return req.target;
  const scores = await state.knownScores(req.slot)?.catch(() => null);
  // The highest score, the lowest index among equals: the library's top-1.
  return scores ? scores.reduce((best, v, i) => (v > scores[best] ? i : best), 0) : undefined;
}

export async function explain(state: WorkerState, req: ExplainRequest, signal: AbortSignal, onProgress: (done: number, total: number) => void): Promise<ExplainResult> {
  const model = state.model(req.slot);
  const picture = state.currentPicture();
  const x = await model.preprocess([picture.image]);
  const target = await targetOf(state, req);
  const options: MethodOptions = {
    ...parseOptions(req.method, req.options),
    ...(target !== undefined && { target }),
    ...(req.layer && findMethod(req.method).usesLayer && { layer: req.layer }),
    signal, onProgress,
  };
  const output = await findMethod(req.method).run(model, x, options);
  const [input] = tensorToImages(x, model.preprocessSpec);
  // The object box is known in the picture's pixels; it holds for the map when preprocessing kept the size.
  const box = picture.box && picture.image.width === input.width && picture.image.height === input.height ? picture.box : null;
  const stored: StoredResult = { output, input, box };
  const resultId = state.store(stored);
  const plane = input.width * input.height;
  const shareInBox = box && output.map.data.length >= plane
    ? attributionShareInBox({ data: item(output.map.data, 0, plane), shape: [input.height, input.width] }, box) : null;
  return {
    resultId, method: req.method, image: renderResult(stored, req.view), display: output.display, layer: output.layer ?? null,
    rawShape: output.raw.shape.slice(1), target: output.target[0] ?? -1, shareInBox,
  };
}

/** A kept result as a PNG of what the page shows, or its raw map (item 0, before upsampling) as .npy. */
export function exportResult(stored: StoredResult, format: 'png' | 'npy', view: ViewOptions): Uint8Array {
  if (format === 'png') return encodePng(renderResult(stored, view));
  const raw = stored.output.raw;
  const size = raw.shape.slice(1).reduce((a, b) => a * b, 1);
  return encodeNpy({ data: item(raw.data, 0, size), shape: raw.shape.slice(1) });
}
