/**
 * The streaming scan: one pass over a dataset in batches, the next batch read while the
 * current one runs, every tapped layer folded into a mergeable {@link LayerSummary} and the
 * outputs into a {@link PredictionSummary}. Memory stays bounded by the batch and the
 * summaries, whatever the dataset's size.
 */
import type { ProgressOptions } from '../engine/engine.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { defaultCamLayer } from '../methods/method-skeleton.js';
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
  /**
   * Where batches are folded into the summaries; default on the calling thread. Given the
   * scan's empty summary, returns the folding that fills it (Node's `threadFolding` folds
   * on a worker thread while the next batch runs).
   */
  folding?: (empty: ScanSummary) => ScanFolding;
  /**
   * Reads the batch of images `indices` as {@link readScanBatch} does (with the model's
   * preprocessing and the `strict` option); default on the calling thread. Node's
   * `ReadingThread` reads on a worker thread.
   */
  reader?: (indices: number[]) => Promise<ScanBatch>;
}

/** Folds batches of a scan's outputs into its layer and prediction summaries, in order. */
export interface ScanFolding {
  /**
   * Folds one batch: `outputs` holds the scan's tapped tensors for the batch's readable
   * images, which may be taken over (buffers moved to another thread). Resolves when the
   * next batch may be given, so batches waiting to be folded stay few.
   */
  add(outputs: Record<string, FloatTensor>, images: number[], labels: (number | null)[]): Promise<void> | void;
  /** The summaries with every added batch in. */
  finish(): Promise<Pick<ScanSummary, 'layers' | 'predictions'>> | Pick<ScanSummary, 'layers' | 'predictions'>;
  /** Frees what the folding holds; called once, whether the scan finished or failed. */
  close(): Promise<void> | void;
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

/**
 * Adds one batch of a scan's outputs (the tapped layers and the model output, one item per
 * image of `images`) into `summary`.
 */
export function foldOutputs(summary: Pick<ScanSummary, 'layers' | 'predictions'>, outputName: string, outputs: Record<string, FloatTensor>, images: number[], labels: (number | null)[]): void {
  for (const { summary: layer } of summary.layers) layer.add(outputs[layer.tensor], images);
  summary.predictions.add(outputs[outputName].data, images, labels);
}

/** The default folding: into the scan's own summary, on this thread. */
const foldHere = (outputName: string) => (summary: ScanSummary): ScanFolding => ({
  add: (outputs, images, labels) => foldOutputs(summary, outputName, outputs, images, labels),
  finish: () => summary,
  close: () => undefined,
});

/** One batch of a scan, read: the readable images' indices, their input tensor (null when none was readable), the unreadable ones. */
export interface ScanBatch { images: number[]; x: FloatTensor | null; skipped: SkippedImage[] }

/**
 * Batches being read while the current one runs. Two, because onnxruntime-node runs on the
 * main thread: a batch's reads advance (file read, then decode in sharp's thread pool) only
 * in this thread's turns between runs, so one batch ahead is often not ready in time.
 */
const READ_AHEAD = 2;

/**
 * Reads, decodes and preprocesses the images `indices` of `data`; unreadable ones are
 * skipped and listed, or thrown when `strict`.
 */
export async function readScanBatch(data: DatasetSource, indices: number[], preprocess: (images: RgbImage[]) => Promise<FloatTensor> | FloatTensor, strict: boolean): Promise<ScanBatch> {
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
  return { images, skipped, x: pictures.length ? await preprocess(pictures) : null };
}

/** `x` with zero items appended up to `size` items. */
function padItems(x: FloatTensor, size: number): FloatTensor {
  if (x.shape[0] >= size) return x;
  const data = new Float32Array(size * (x.data.length / x.shape[0]));
  data.set(x.data);
  return { data, shape: [size, ...x.shape.slice(1)] };
}

/** The first `n` items of `t`, without copying. */
function firstItems(t: FloatTensor, n: number): FloatTensor {
  return t.shape[0] === n ? t : { data: t.data.subarray(0, n * (t.data.length / t.shape[0])), shape: [n, ...t.shape.slice(1)] };
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
  // Every forward call gets the same batch size, so one compiled session serves the whole
  // scan: a short last batch, or one with unreadable images left out, is padded.
  const full = Math.min(batchSize, end - start);
  const readIndices = options.reader ?? ((indices: number[]) => readScanBatch(data, indices, (images) => model.preprocess(images), options.strict ?? false));
  const read = (from: number) => readIndices(Array.from({ length: Math.min(batchSize, end - from) }, (_, i) => from + i));
  // Batch i is folded into the summaries after batch i + 1 has been handed to onnxruntime,
  // while batches i + 2 and i + 3 are being read. Where runs are asynchronous (onnxruntime-web's
  // proxy worker) or the folding is on another thread, the fold overlaps the run.
  const folding = (options.folding ?? foldHere(model.outputName))(summary);
  const fold = async (batch: ScanBatch, out: Record<string, FloatTensor> | null, done: number) => {
    summary.skipped.push(...batch.skipped);
    if (out) {
      const n = batch.images.length;
      const outputs = Object.fromEntries(tensors.map((t) => [t, firstItems(out[t], n)]));
      await folding.add(outputs, batch.images, batch.images.map((i) => data.entries[i].label));
    }
    options.onProgress?.(done, end - start);
  };
  const reads: Promise<ScanBatch>[] = [];
  let requested = start;
  const readAhead = () => {
    for (; reads.length < READ_AHEAD && requested < end; requested += batchSize) {
      const batch = read(requested);
      batch.catch(() => undefined);
      reads.push(batch);
    }
  };
  try {
    readAhead();
    let previous: Parameters<typeof fold> | null = null;
    for (let from = start; from < end; from += batchSize) {
      const batch: ScanBatch = await reads.shift()!;
      readAhead();
      const running = batch.x ? forward(model, padItems(batch.x, full), tensors, { signal: options.signal }) : Promise.resolve(null);
      running.catch(() => undefined);
      if (previous) await fold(...previous);
      previous = [batch, await running, Math.min(from + batchSize, end) - start];
    }
    if (previous) await fold(...previous);
    Object.assign(summary, await folding.finish());
  } finally {
    await folding.close();
  }
  if (!options.shard && summary.skipped.length === end - start) {
    throw new ConvlensError('IMAGE_UNDECODABLE', `None of the ${end - start} images could be read (first: ${summary.skipped[0].id}: ${summary.skipped[0].reason}).`);
  }
  return summary;
}
