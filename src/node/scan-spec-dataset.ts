/**
 * The dataset half of a scan spec, apart from the model half so that a thread that only reads
 * images does not load onnxruntime: how to open the dataset, and the fingerprint that tells
 * whether two places see the same one.
 */
import { createHash } from 'node:crypto';
import { demoDataset, type DemoDatasetName } from '../dataset/demo-datasets.js';
import type { DatasetSource } from '../dataset/source.js';
import { openDataset } from './dataset-files.js';

/** A dataset as a spec names it: a path (absolute) or a demo dataset. */
export type SpecDataset = { path: string } | { demo: DemoDatasetName; count?: number };

/** The fingerprint a scan spec carries: same ids and labels in the same order, same fingerprint. */
export function datasetFingerprint(data: DatasetSource): string {
  const hash = createHash('sha256');
  for (const e of data.entries) hash.update(`${e.id}\u0000${e.label ?? ''}\n`);
  hash.update(JSON.stringify(data.classNames));
  return hash.digest('hex');
}

/** The dataset a spec names (not yet checked against its fingerprint). */
export function openSpecDataset(spec: { dataset: SpecDataset }): Promise<DatasetSource> | DatasetSource {
  return 'path' in spec.dataset ? openDataset(spec.dataset.path) : demoDataset(spec.dataset.demo, { count: spec.dataset.count });
}

/** Whether `data` is the dataset a spec was made from: as many images, same fingerprint. */
export function matchesSpec(data: DatasetSource, spec: { images: number; fingerprint: string }): boolean {
  return data.entries.length === spec.images && datasetFingerprint(data) === spec.fingerprint;
}
