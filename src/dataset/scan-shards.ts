/**
 * A scan split into shards: contiguous ranges of a dataset's images, each scanned on its own
 * (another thread, another machine) into a {@link ScanSummary}, sent as plain data and merged.
 * Every part of a summary merges exactly and in any order (integer counts, fixed-point sums,
 * top-K ties broken by image index), so the merged scan equals the one-pass scan.
 */
import { ConvlensError } from '../errors.js';
import { LayerSummary, type LayerSummaryJson } from './layer-summary.js';
import { PredictionSummary, type PredictionSummaryJson } from './prediction-summary.js';
import { mergeScans, type ScanSummary, type SkippedImage } from './scan.js';

/** A {@link ScanSummary} as plain data: JSON-safe, and what shards return. */
export interface ScanSummaryJson {
  /** The images `[start, end)` this summary covers. */
  range: [number, number];
  layers: { name: string; summary: LayerSummaryJson }[];
  predictions: PredictionSummaryJson;
  skipped: SkippedImage[];
}

/** Images per shard by default: about a thousand, a whole number of batches. */
export const DEFAULT_SHARD_IMAGES = 1000;

/**
 * Splits images `[0, count)` into contiguous shards of `size` images (the last may be
 * smaller). A size that is a multiple of the batch size keeps every batch the same as in a
 * single scan; {@link shardSize} picks one.
 *
 * @example
 * shardRanges(2500, 1024); // [[0, 1024], [1024, 2048], [2048, 2500]]
 */
export function shardRanges(count: number, size: number): [number, number][] {
  if (!Number.isInteger(size) || size < 1) throw new ConvlensError('BAD_OPTION', `A shard holds a whole number of images >= 1; got ${String(size)}.`);
  const ranges: [number, number][] = [];
  for (let start = 0; start < count; start += size) ranges.push([start, Math.min(start + size, count)]);
  return ranges;
}

/**
 * The shard size nearest `wanted` images (default about 1k) that is a whole number of batches.
 *
 * @example
 * shardSize(32); // 992
 */
export function shardSize(batchSize: number, wanted = DEFAULT_SHARD_IMAGES): number {
  return Math.max(1, Math.round(wanted / batchSize)) * batchSize;
}

/** A scan summary of images `range` as plain data. */
export function scanToJson(summary: ScanSummary, range: [number, number]): ScanSummaryJson {
  return {
    range,
    layers: summary.layers.map((l) => ({ name: l.name, summary: l.summary.toJSON() })),
    predictions: summary.predictions.toJSON(),
    skipped: summary.skipped,
  };
}

/** The scan summary {@link scanToJson} described. */
export function scanFromJson(json: ScanSummaryJson): ScanSummary {
  return {
    layers: json.layers.map((l) => ({ name: l.name, summary: LayerSummary.fromJSON(l.summary) })),
    predictions: PredictionSummary.fromJSON(json.predictions),
    skipped: [...json.skipped],
  };
}

/**
 * Merges shard summaries (any order) of a dataset of `images` images into the scan of all of
 * them. The shards must cover every image exactly once; a dataset none of whose images could
 * be read is an error, as in a single scan.
 *
 * @example
 * const parts = await Promise.all(shardRanges(n, 1024).map(async (range) => scanToJson(await scanDataset(model, data, { range, shard: true }), range)));
 * const scan = mergeShards(parts, n); // equals scanDataset(model, data)
 */
export function mergeShards(shards: readonly ScanSummaryJson[], images: number): ScanSummary {
  const ranges = shards.map((s) => s.range).sort((a, b) => a[0] - b[0]);
  let next = 0;
  for (const [start, end] of ranges) {
    if (start !== next || end <= start) {
      throw new ConvlensError('BAD_INPUT', `The shards do not cover images [0, ${images}) once each: ${start === next ? `[${start}, ${end}) is empty` : `a shard starts at ${start} where ${next} was expected`}.`);
    }
    next = end;
  }
  if (next !== images) throw new ConvlensError('BAD_INPUT', `The shards cover images [0, ${next}) of ${images}; some shard is missing.`);
  const merged = shards.map(scanFromJson).reduce(mergeScans);
  if (merged.skipped.length === images) {
    throw new ConvlensError('IMAGE_UNDECODABLE', `None of the ${images} images could be read (first: ${merged.skipped[0].id}: ${merged.skipped[0].reason}).`);
  }
  return merged;
}
