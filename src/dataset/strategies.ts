/**
 * Spectral relevance analysis (Lapuschkin et al. 2019, "Unmasking Clever Hans predictors"):
 * the explanation maps of every image of one class, shrunk to a small grid and clustered by
 * spectral clustering, so that each cluster is one way the model decides for the class (one
 * "strategy"). A shortcut such as a watermark shows as a cluster whose mean map lights up the
 * watermark's place.
 */
import type { ProgressOptions } from '../engine/engine.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import { findMethod, type MethodOptions } from '../methods/registry.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import type { SkippedImage } from './scan.js';
import type { DatasetSource } from './source.js';
import { spectralClustering, type SpectralClusteringOptions, type SpectralClusters } from './spectral-clustering.js';

/** The most images of one class the analysis takes: the eigendecomposition grows with the cube of it. */
export const MAX_STRATEGY_IMAGES = 2000;

export interface StrategyOptions extends ProgressOptions, Omit<SpectralClusteringOptions, 'seed'> {
  /** The class: a name among the dataset's class names, or its label index. */
  className: string | number;
  /** The explanation method (a registry name); default `'gradcam'`. */
  method?: string;
  /** Options of the method (layer, samples, ...); `target` defaults to the class. */
  methodOptions?: MethodOptions;
  /** Side of the square grid each map is averaged down to before clustering; default 16. */
  resolution?: number;
  /** Images per method call; default 32. */
  batchSize?: number;
  /** Seed of the clustering (and of methods with noise, unless their options give one); default 1. */
  seed?: number;
  /** Stop at the first unreadable image instead of skipping and listing it. */
  strict?: boolean;
}

/** One strategy: the images whose maps cluster together. */
export interface StrategyCluster {
  /** Dataset indices of the cluster's images, the one nearest the cluster's mean map first. */
  members: number[];
  /** The mean of the members' maps at `viewSize`, each map scaled to [0, 1] by the method. */
  meanMap: Float32Array;
}

export interface StrategyAnalysis {
  classIndex: number;
  className: string;
  method: string;
  /** Dataset indices of the class's readable images, in dataset order (the order of `clustering.assignments`). */
  images: number[];
  /** Images of the class that could not be read, skipped (unless `strict`). */
  skipped: SkippedImage[];
  /** Side of the clustered maps. */
  resolution: number;
  /** The clustered maps: per image `resolution²` values of unit length. */
  maps: Float64Array;
  /** Height and width of the mean maps and view maps (the model's input, at most 64 pixels). */
  viewSize: [number, number];
  /** Each image's map at `viewSize`, as the method scaled it (to [0, 1]), image after image in `images` order. */
  viewMaps: Float32Array;
  clustering: SpectralClusters;
  /** Largest first, numbered as in `clustering.assignments`. */
  clusters: StrategyCluster[];
}

/**
 * The average of `map` (`h x w`) over each cell of an `H x W` grid, cells weighted by how much
 * of each input pixel they cover, so shrinking never drops a small bright spot.
 *
 * @example
 * areaDownsample(Float32Array.from([1, 0, 0, 0]), 2, 2, 1, 1); // [0.25]
 */
export function areaDownsample(map: ArrayLike<number>, h: number, w: number, H: number, W: number): Float64Array {
  const out = new Float64Array(H * W);
  const span = (i: number, n: number, N: number) => [(i * n) / N, ((i + 1) * n) / N];
  for (let Y = 0; Y < H; Y++) {
    const [y0, y1] = span(Y, h, H);
    for (let X = 0; X < W; X++) {
      const [x0, x1] = span(X, w, W);
      let sum = 0;
      for (let y = Math.floor(y0); y < Math.min(h, Math.ceil(y1)); y++) {
        const wy = Math.min(y + 1, y1) - Math.max(y, y0);
        for (let x = Math.floor(x0); x < Math.min(w, Math.ceil(x1)); x++) sum += wy * (Math.min(x + 1, x1) - Math.max(x, x0)) * map[y * w + x];
      }
      out[Y * W + X] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}

function classOf(data: DatasetSource, c: string | number): number {
  if (!data.classNames) throw new ConvlensError('BAD_INPUT', `The dataset ${data.name} has no labels, so it has no images of a class; give labelled images (class sub-folders or a path,label CSV).`);
  const index = typeof c === 'number' ? c : data.classNames.indexOf(c);
  if (!(Number.isInteger(index) && index >= 0 && index < data.classNames.length)) {
    throw new ConvlensError('BAD_OPTION', `Unknown class ${JSON.stringify(c)}; the dataset ${data.name} has ${data.classNames.map((n) => JSON.stringify(n)).join(', ')}.`);
  }
  return index;
}

/**
 * Explains every image of a class, clusters the maps, and returns the clusters largest
 * first with their mean maps. The explained output is the class itself: its name when the
 * model's labels hold it, otherwise the same index (give `methodOptions.target` otherwise).
 *
 * @example
 * const analysis = await strategies(model, demoDataset('tanks-tagged'), { className: 'tank' });
 * analysis.clustering.sizes;       // e.g. [148, 52]
 * analysis.clusters[1].meanMap;    // bright in the corner where the tag sits
 */
export async function strategies(model: ConvlensModel, data: DatasetSource, options: StrategyOptions): Promise<StrategyAnalysis> {
  const classIndex = classOf(data, options.className);
  const className = data.classNames![classIndex];
  const method = findMethod(options.method ?? 'gradcam');
  const resolution = options.resolution ?? 16;
  if (!Number.isInteger(resolution) || resolution < 2 || resolution > 64) throw new ConvlensError('BAD_OPTION', `The map resolution must be a whole number from 2 to 64; got ${String(options.resolution)}.`);
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConvlensError('BAD_OPTION', `batchSize must be a whole number >= 1; got ${String(options.batchSize)}.`);
  const ofClass = data.entries.flatMap((e, i) => (e.label === classIndex ? [i] : []));
  if (ofClass.length < 3) {
    throw new ConvlensError('BAD_INPUT', `The class "${className}" has ${ofClass.length} image${ofClass.length === 1 ? '' : 's'} in ${data.name}; strategies need at least 3 (about 20 or more to find any).`);
  }
  if (ofClass.length > MAX_STRATEGY_IMAGES) {
    throw new ConvlensError('BAD_INPUT', `The class "${className}" has ${ofClass.length} images; strategies take at most ${MAX_STRATEGY_IMAGES} (the clustering grows with the cube of their number). Give a sample of the class.`);
  }
  const seed = options.seed ?? 1;
  const target = options.methodOptions?.target ?? (model.labels?.includes(className) ? className : classIndex);
  const [inH, inW] = model.itemShape.slice(1);
  const shrink = Math.min(1, 64 / Math.max(inH, inW));
  const viewSize: [number, number] = [Math.max(1, Math.round(inH * shrink)), Math.max(1, Math.round(inW * shrink))];
  const cells = resolution * resolution;
  const view = viewSize[0] * viewSize[1];
  const allMaps = new Float64Array(ofClass.length * cells);
  const allViews = new Float32Array(ofClass.length * view);
  const images: number[] = [];
  const skipped: SkippedImage[] = [];
  for (let from = 0; from < ofClass.length; from += batchSize) {
    const pictures = await readable(data, ofClass.slice(from, from + batchSize), options.strict ?? false, skipped);
    if (pictures.length > 0) {
      const x = await model.preprocess(pictures.map((p) => p.image));
      const result = await method.run(model, x, { seed, ...options.methodOptions, target, signal: options.signal });
      const [items, H, W] = result.map.shape;
      if (items !== pictures.length) {
        throw new ConvlensError('BAD_TARGET', `Strategies explain one target per image, but the target ${JSON.stringify(target)} gives ${items} maps for ${pictures.length} images; give one class.`);
      }
      for (let k = 0; k < pictures.length; k++) {
        const map = result.map.data.subarray(k * H * W, (k + 1) * H * W);
        const small = areaDownsample(map, H, W, resolution, resolution);
        const norm = Math.hypot(...small);
        const row = images.length + k;
        for (let c = 0; c < cells; c++) allMaps[row * cells + c] = norm > 0 ? small[c] / norm : 0;
        allViews.set(areaDownsample(map, H, W, viewSize[0], viewSize[1]), row * view);
      }
      images.push(...pictures.map((p) => p.index));
    }
    options.onProgress?.(Math.min(from + batchSize, ofClass.length), ofClass.length);
  }
  if (images.length < 3) {
    throw new ConvlensError('IMAGE_UNDECODABLE', `Only ${images.length} of the ${ofClass.length} images of class "${className}" could be read (first unreadable: ${skipped[0].id}: ${skipped[0].reason}); strategies need at least 3.`);
  }
  const maps = allMaps.subarray(0, images.length * cells);
  const views = allViews.subarray(0, images.length * view);
  const clustering = spectralClustering(maps, cells, { neighbours: options.neighbours, maxClusters: options.maxClusters, clusters: options.clusters, seed });
  const clusters = clustering.sizes.map((_, c) => clusterOf(c, clustering.assignments, images, maps, cells, views, view));
  return { classIndex, className, method: method.name, images, skipped, resolution, maps, viewSize, viewMaps: views, clustering, clusters };
}

/**
 * The pictures of `indices` that can be read; unreadable ones are added to `skipped`, or end
 * the analysis when `strict`. Other errors always end it.
 */
async function readable(data: DatasetSource, indices: number[], strict: boolean, skipped: SkippedImage[]): Promise<{ index: number; image: RgbImage }[]> {
  const settled = await Promise.allSettled(indices.map((i) => data.load(i)));
  const pictures: { index: number; image: RgbImage }[] = [];
  settled.forEach((r, k) => {
    if (r.status === 'fulfilled') { pictures.push({ index: indices[k], image: r.value }); return; }
    const e: unknown = r.reason;
    const unreadable = e instanceof ConvlensError && (e.code === 'IMAGE_UNDECODABLE' || e.code === 'IMAGE_NOT_FOUND');
    if (!unreadable || strict) throw e;
    skipped.push({ image: indices[k], id: data.entries[indices[k]].id, reason: e.message });
  });
  return pictures;
}

/** A cluster's members, most typical first (nearest the mean of their clustered maps), and its mean view map. */
function clusterOf(c: number, assignments: Int32Array, images: number[], maps: Float64Array, cells: number, views: Float32Array, view: number): StrategyCluster {
  const local = images.flatMap((_, i) => (assignments[i] === c ? [i] : []));
  const centre = new Float64Array(cells);
  const meanMap = new Float32Array(view);
  for (const i of local) {
    for (let p = 0; p < cells; p++) centre[p] += maps[i * cells + p] / local.length;
    for (let p = 0; p < view; p++) meanMap[p] += views[i * view + p] / local.length;
  }
  const distance = (i: number) => {
    let s = 0;
    for (let p = 0; p < cells; p++) s += (maps[i * cells + p] - centre[p]) ** 2;
    return s;
  };
  const d = new Map(local.map((i) => [i, distance(i)]));
  local.sort((a, b) => d.get(a)! - d.get(b)! || a - b);
  return { members: local.map((i) => images[i]), meanMap };
}
