/** Worker side of looking inside a model: one layer's feature maps for the current picture, and a Conv layer's filters. */
import {
  colormapNames, drawBox, featureMapGrids, featureMaps, filterGrid, filters, receptiveField, tensorToImages, type ColormapName, type FloatTensor,
  type ReceptiveField,
} from '../browser/index.js';
import type { FeatureMapsReply, FiltersReply, GridGeometry, ReceptiveFieldReply, Slot } from './protocol.js';
import type { WorkerState } from './worker-state.js';

/** Channels drawn at once; the raw result keeps them all. */
const SHOWN_CHANNELS = 64;

export async function layerFeatureMaps(
  state: WorkerState, req: { slot: Slot; layer: string; order: 'index' | 'mean'; range: 'shared' | 'per-channel'; colormap: string }, signal: AbortSignal,
): Promise<FeatureMapsReply> {
  const model = state.model(req.slot);
  const x = await model.preprocess([state.currentPicture().image]);
  const colormap = (colormapNames as readonly string[]).includes(req.colormap) ? req.colormap as ColormapName : 'viridis';
  const fm = await featureMaps(model, x, req.layer, { order: req.order, signal });
  const grids = featureMapGrids(fm, { range: req.range, colormap, maxChannels: SHOWN_CHANNELS });
  return { image: grids.images[0], order: fm.order, shown: grids.shown, total: fm.raw.shape[1], range: grids.ranges[0], geometry: gridGeometry(fm.raw, grids.shown, grids.images[0]) };
}

/**
 * The layout of a feature-map grid of `[N, C, h, w]` activations: square-ish, each tile
 * upscaled to about 32 pixels by a whole factor (as the library draws tiles), a caption band
 * under each. Checked against the drawn grid's size; null when it does not add up (then the
 * page offers no pointing).
 */
function gridGeometry(raw: FloatTensor, shown: number, grid: { width: number; height: number }): GridGeometry | null {
  if (raw.shape.length !== 4) return null;
  const [tileHeight, tileWidth] = raw.shape.slice(2);
  const scale = Math.max(1, Math.ceil(32 / Math.max(tileHeight, tileWidth)));
  const columns = Math.ceil(Math.sqrt(shown));
  const rows = Math.ceil(shown / columns);
  const [cellWidth, cellHeight] = [tileWidth * scale, tileHeight * scale];
  const padding = (grid.width - columns * cellWidth) / (columns + 1);
  const labelHeight = (grid.height - (rows + 1) * padding) / rows - cellHeight;
  const fits = Number.isInteger(padding) && padding >= 0 && Number.isInteger(labelHeight) && labelHeight >= 0;
  return fits ? { columns, cellWidth, cellHeight, labelHeight, padding, scale, tileHeight, tileWidth } : null;
}

const fields = new WeakMap<object, Map<string, ReceptiveField>>();

/** The model-input picture with the box of pixels that unit (y, x) of `layer` sees. */
export async function unitField(state: WorkerState, req: { slot: Slot; layer: string; y: number; x: number }): Promise<ReceptiveFieldReply> {
  const model = state.model(req.slot);
  const cache = fields.get(model) ?? new Map<string, ReceptiveField>();
  fields.set(model, cache);
  const rf = cache.get(req.layer) ?? receptiveField(model, req.layer);
  cache.set(req.layer, rf);
  const box = rf.box(req.y, req.x);
  const [input] = tensorToImages(await model.preprocess([state.currentPicture().image]), model.preprocessSpec);
  const image = drawBox(input, { x: box.x0, y: box.y0, width: box.x1 - box.x0, height: box.y1 - box.y0 }, [255, 40, 40]);
  return { image, box, kind: rf.kind };
}

export function layerFilters(state: WorkerState, req: { slot: Slot; layer: string; range: 'shared' | 'per-filter' }): FiltersReply {
  const f = filters(state.model(req.slot), req.layer);
  const grid = filterGrid(f, { range: req.range, maxFilters: 32, maxInputs: 16 });
  return { image: grid.image, node: f.node, shown: grid.shown, total: f.weights.shape };
}
