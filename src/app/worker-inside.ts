/** Worker side of looking inside a model: one layer's feature maps for the current picture, and a Conv layer's filters. */
import { colormapNames, featureMaps, filters, type ColormapName } from '../browser/index.js';
import type { FeatureMapsReply, FiltersReply, Slot } from './protocol.js';
import type { WorkerState } from './worker-state.js';

/** Channels drawn at once; the raw result keeps them all. */
const SHOWN_CHANNELS = 64;

export async function layerFeatureMaps(
  state: WorkerState, req: { slot: Slot; layer: string; order: 'index' | 'mean'; range: 'shared' | 'per-channel'; colormap: string }, signal: AbortSignal,
): Promise<FeatureMapsReply> {
  const model = state.model(req.slot);
  const x = await model.preprocess([state.currentPicture().image]);
  const colormap = (colormapNames as readonly string[]).includes(req.colormap) ? req.colormap as ColormapName : 'viridis';
  const fm = await featureMaps(model, x, req.layer, { order: req.order, range: req.range, colormap, maxChannels: SHOWN_CHANNELS, signal });
  return { image: fm.images[0], order: fm.order, shown: fm.shown, total: fm.raw.shape[1], range: fm.ranges[0] };
}

export function layerFilters(state: WorkerState, req: { slot: Slot; layer: string; range: 'shared' | 'per-filter' }): FiltersReply {
  const f = filters(state.model(req.slot), req.layer, { range: req.range, maxFilters: 32, maxInputs: 16 });
  return { image: f.image, node: f.node, shown: f.shown, total: f.weights.shape };
}
