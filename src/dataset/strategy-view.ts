/**
 * What the strategy view shows, gathered: for each cluster of a class's explanation maps,
 * its mean map and its most typical images as the model saw them, with their maps.
 * render/strategies-view.ts draws it.
 */
import type { ConvlensModel } from '../engine/model.js';
import { tensorToImages } from '../preprocess/preprocess-images.js';
import { resizeImage } from '../preprocess/resize-image.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import type { DatasetSource } from './source.js';
import type { StrategyAnalysis } from './strategies.js';

/** One cluster, ready to draw. */
export interface StrategyRow {
  size: number;
  /** Share of the class's images. */
  share: number;
  meanMap: Float32Array;
  examples: { image: RgbImage; map: Float32Array; caption: string }[];
  /** Extra words after the size in the row's label, e.g. "48 tagged". */
  note?: string;
}

export interface StrategyView {
  /** E.g. "tanks-tagged: class tank, gradcam". */
  title: string;
  viewSize: [number, number];
  rows: StrategyRow[];
  eigenvalues: number[];
  /** Clusters chosen (by the eigengap, or given). */
  clusters: number;
  eigengap: number;
}

/**
 * The view of an analysis: for each cluster up to `examples` of its most typical images as the
 * model saw them (after preprocessing), with their maps. `note` adds words to a cluster's label.
 *
 * @example
 * const view = await strategyView(model, data, analysis, { title: 'photos: class horse, gradcam' });
 * writeFileSync('strategies.png', encodePng(strategiesFigure(view)));
 */
export async function strategyView(model: ConvlensModel, data: DatasetSource, analysis: StrategyAnalysis,
  options: { title: string; examples?: number; note?: (members: number[]) => string }): Promise<StrategyView> {
  const [h, w] = analysis.viewSize;
  const view = h * w;
  const position = new Map(analysis.images.map((image, i) => [image, i]));
  const rows: StrategyRow[] = [];
  for (const cluster of analysis.clusters) {
    const shown = cluster.members.slice(0, options.examples ?? 6);
    const seen = tensorToImages(await model.preprocess(await Promise.all(shown.map((i) => data.load(i)))), model.preprocessSpec);
    rows.push({
      size: cluster.members.length,
      share: cluster.members.length / analysis.images.length,
      meanMap: cluster.meanMap,
      note: options.note?.(cluster.members),
      examples: shown.map((i, k) => ({
        image: seen[k].width === w && seen[k].height === h ? seen[k] : resizeImage(seen[k], w, h),
        map: analysis.viewMaps.subarray(position.get(i)! * view, (position.get(i)! + 1) * view),
        caption: data.entries[i].id,
      })),
    });
  }
  const { eigenvalues, sizes, eigengap } = analysis.clustering;
  return { title: options.title, viewSize: analysis.viewSize, rows, eigenvalues, clusters: sizes.length, eigengap };
}
