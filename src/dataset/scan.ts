/**
 * The streaming scan: one pass over a dataset in batches, the next batch decoded while the
 * current one runs, every tapped layer folded into a mergeable {@link LayerSummary} and the
 * outputs into a {@link PredictionSummary}. Memory stays bounded by the batch and the
 * summaries, whatever the dataset's size.
 */
import type { ProgressOptions } from '../engine/engine.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor, RgbImage } from '../image/types.js';
import { defaultCamLayer } from '../methods/cam.js';
import { forward, itemShapeOf } from '../methods/passes.js';
import { LayerSummary, type RankBy } from './layer-summary.js';
import { PredictionSummary } from './prediction-summary.js';
import type { DatasetSource } from './source.js';

export interface ScanOptions extends ProgressOptions {
  /** Layers to summarize (names as `model.resolveLayer` takes them); default the last spatial layer. */
  layers?: string[];
  /** Top images kept per channel, 1 to 100; default 9. */
  top?: number;
  /** Channel score per image: `'mean'` (default) or `'max'` over positions. */
  rank?: RankBy;
  /** Images per forward call; default 32. */
  batchSize?: number;
  /** Scan only dataset images `[start, end)` (a shard); default all. */
  range?: [number, number];
  /** Stop at the first unreadable image instead of skipping it. */
  strict?: boolean;
  /** The range is one shard of a larger scan: a range with no readable image is returned (the merge checks the whole). */
  shard?: boolean;
}

export interface SkippedImage { image: number; id: string; reason: string }

/** What a scan found; `merge` adds a scan of other images of the same dataset. */
export interface ScanSummary {
  layers: { name: string; summary: LayerSummary }[];
  predictions: PredictionSummary;
  skipped: SkippedImage[];
}

/** Dataset class → model output: by name when the model's class names include them all, else by position when the counts match. */
function mapLabels(model: ConvlensModel, data: DatasetSource, outputs: number): number[] | null {
  if (!data.classNames) return null;
  const names = model.labels;
  if (names && data.classNames.every((c) => names.includes(c))) return data.classNames.map((c) => names.indexOf(c));
  if (data.classNames.length === outputs) return data.classNames.map((_, i) => i);
  throw new ConvlensError('BAD_INPUT',
    `The dataset's ${data.classNames.length} classes (${data.classNames.slice(0, 5).join(', ')}${data.classNames.length > 5 ? ', ...' : ''}) match neither the model's class names nor its ${outputs} outputs; `
    + 'give the model its class names (--labels FILE) or scan without labels.');
}

/** An empty summary for a model, dataset and options (what shards start from and merge into). */
export function emptyScan(model: ConvlensModel, data: DatasetSource, options: ScanOptions = {}): ScanSummary {
  const names = options.layers?.length ? options.layers : [defaultCamLayer(model)];
  const k = options.top ?? 9;
  const rank = options.rank ?? 'mean';
  if (rank !== 'mean' && rank !== 'max') throw new ConvlensError('BAD_OPTION', `rank must be "mean" or "max"; got ${JSON.stringify(rank)}.`);
  const layers = names.map((name) => {
    const tensor = model.resolveLayer(name);
    return { name, summary: new LayerSummary(tensor, itemShapeOf(model, tensor), { k, rank }) };
  });
  const outputs = itemShapeOf(model, model.outputName).reduce((a, b) => a * b, 1);
  return { layers, predictions: new PredictionSummary(outputs, data.classNames, mapLabels(model, data, outputs)), skipped: [] };
}

/** Adds scan `b` (other images, same settings) into `a` and returns `a`. */
export function mergeScans(a: ScanSummary, b: ScanSummary): ScanSummary {
  a.layers.forEach((l, i) => l.summary.merge(b.layers[i].summary));
  a.predictions.merge(b.predictions);
  a.skipped.push(...b.skipped);
  a.skipped.sort((x, y) => x.image - y.image);
  return a;
}

interface Batch { images: number[]; x: FloatTensor | null; skipped: SkippedImage[] }

async function readBatch(model: ConvlensModel, data: DatasetSource, indices: number[], strict: boolean): Promise<Batch> {
  const loaded = await Promise.all(indices.map((i) => data.load(i).then((image): RgbImage | Error => image, (e: unknown) => e as Error)));
  const images: number[] = [];
  const pictures: RgbImage[] = [];
  const skipped: SkippedImage[] = [];
  loaded.forEach((r, k) => {
    if (!(r instanceof Error)) { images.push(indices[k]); pictures.push(r); return; }
    const readable = r instanceof ConvlensError && (r.code === 'IMAGE_UNDECODABLE' || r.code === 'IMAGE_NOT_FOUND');
    if (!readable || strict) throw r;
    skipped.push({ image: indices[k], id: data.entries[indices[k]].id, reason: r.message });
  });
  return { images, skipped, x: pictures.length ? await model.preprocess(pictures) : null };
}

/**
 * Scans a dataset (or a shard of it) once: per layer and channel the top-K images with the
 * position of the channel's peak, the 0.995 activation quantile, fire rate, mean and max; the
 * model's prediction per image and, with labels, the confusion counts. Unreadable images are
 * skipped and listed unless `strict`.
 *
 * @example
 * const scan = await scanDataset(model, demoDataset('shapes'), { layers: ['conv3'], top: 9 });
 * scan.layers[0].summary.results()[5].top[0]; // { image, score, y, x } of channel 5's best image
 * scan.predictions.accuracy()?.overall;
 */
export async function scanDataset(model: ConvlensModel, data: DatasetSource, options: ScanOptions = {}): Promise<ScanSummary> {
  const summary = emptyScan(model, data, options);
  const [start, end] = options.range ?? [0, data.entries.length];
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end <= data.entries.length && start < end)) {
    throw new ConvlensError('BAD_OPTION', `The scan range [${start}, ${end}) must lie within the dataset's ${data.entries.length} images and hold at least one.`);
  }
  const batchSize = options.batchSize ?? 32;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new ConvlensError('BAD_OPTION', `batchSize must be a positive integer; got ${String(batchSize)}.`);
  const tensors = [...new Set([...summary.layers.map((l) => l.summary.tensor), model.outputName])];
  const read = (from: number) => {
    const indices = Array.from({ length: Math.min(batchSize, end - from) }, (_, i) => from + i);
    return readBatch(model, data, indices, options.strict ?? false);
  };
  let next: Promise<Batch> | null = read(start);
  for (let from = start; next; from += batchSize) {
    const batch: Batch = await next;
    // Decode the next batch while this one runs.
    next = from + batchSize < end ? read(from + batchSize) : null;
    next?.catch(() => undefined);
    summary.skipped.push(...batch.skipped);
    if (batch.x) {
      const out = await forward(model, batch.x, tensors, { signal: options.signal });
      for (const { summary: layer } of summary.layers) layer.add(out[layer.tensor], batch.images);
      summary.predictions.add(out[model.outputName].data, batch.images, batch.images.map((i) => data.entries[i].label));
    }
    options.onProgress?.(Math.min(from + batchSize, end) - start, end - start);
  }
  if (!options.shard && summary.skipped.length === end - start) {
    throw new ConvlensError('IMAGE_UNDECODABLE', `None of the ${end - start} images could be read (first: ${summary.skipped[0].id}: ${summary.skipped[0].reason}).`);
  }
  return summary;
}
