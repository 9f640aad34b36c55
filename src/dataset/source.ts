/**
 * What a scan reads: a numbered list of images with optional labels, loaded on demand so
 * that a dataset never has to fit in memory. Platform adapters (files, URLs) and the demo
 * generators all produce this one shape.
 */
import { ConvlensError } from '../errors.js';
import type { RgbImage } from '../preprocess/rgb-image.js';

/** One dataset entry, as a scan reports it. */
export interface DatasetEntry {
  /** A stable name: the file path relative to the dataset root, or `<demo>/<index>`. */
  id: string;
  /** Index into `classNames`, or null when the dataset has no labels. */
  label: number | null;
}

/**
 * A dataset: `entries.length` images, read one at a time by index (so a scan can stream and
 * later reread its top images). `load` throws `IMAGE_UNDECODABLE` or `IMAGE_NOT_FOUND` for an
 * entry it cannot read; the scan skips such entries and lists them (or stops, when strict).
 *
 * @example
 * const data = demoDataset('shapes', { count: 200 });
 * const first = await data.load(0); // an RgbImage
 * data.classNames?.[data.entries[0].label!]; // 'circle', 'square', ...
 */
export interface DatasetSource {
  /** What the dataset is, for reports: a folder path, a list file, or a demo name. */
  name: string;
  entries: readonly DatasetEntry[];
  /** Class names labels index into, or null without labels. */
  classNames: readonly string[] | null;
  load(index: number): Promise<RgbImage>;
}

/**
 * Class names and label indices from per-entry label strings (sorted names, so the same
 * label set always gives the same indices), or null labels when none is given.
 */
export function indexLabels(labels: (string | null)[]): { classNames: string[] | null; indices: (number | null)[] } {
  const named = labels.filter((l): l is string => l !== null);
  if (named.length === 0) return { classNames: null, indices: labels.map(() => null) };
  if (named.length !== labels.length) {
    const missing = labels.findIndex((l) => l === null);
    throw new ConvlensError('BAD_INPUT', `Some images have a label and some do not (entry ${missing + 1} has none); label every image or none.`);
  }
  const classNames = [...new Set(named)].sort();
  const index = new Map(classNames.map((c, i) => [c, i]));
  return { classNames, indices: named.map((l) => index.get(l)!) };
}
