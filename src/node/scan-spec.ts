/**
 * A scan described as plain data, so that another thread or another machine can open the same
 * model and dataset and scan a shard of it: model source and options, dataset path or demo
 * name, scan settings, and a fingerprint of the dataset's entries that a worker checks before
 * it scans (a worker seeing other files would merge wrong images silently).
 */
import { resolve } from 'node:path';
import type { RankBy } from '../dataset/layer-summary.js';
import { scanToJson, type ScanSummaryJson } from '../dataset/scan-shards.js';
import { scanDataset } from '../dataset/scan.js';
import type { DatasetSource } from '../dataset/source.js';
import type { ConvlensModel, ModelOptions } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import { loadModel } from './index.js';
import { datasetFingerprint, matchesSpec, openSpecDataset, type SpecDataset } from './scan-spec-dataset.js';

/** A scan any worker can run a shard of. Paths are absolute; the model may be an http(s) URL. */
export interface ScanSpec {
  model: { source: string; options: Omit<ModelOptions, 'threads'> };
  dataset: SpecDataset;
  scan: { layers?: string[]; top?: number; rank?: RankBy; batchSize?: number; strict?: boolean };
  /** Images in the dataset. */
  images: number;
  /** SHA-256 of the entries' ids and labels. */
  fingerprint: string;
}

/**
 * The spec of a scan of `data` (opened from `dataset`) with a model, paths made absolute.
 *
 * @example
 * const data = demoDataset('shapes', { count: 500 });
 * const spec = scanSpec({ source: 'models/shapes.onnx', options: {} }, { demo: 'shapes', count: 500 }, data, { top: 9 });
 */
export function scanSpec(model: ScanSpec['model'], dataset: ScanSpec['dataset'], data: DatasetSource, scan: ScanSpec['scan']): ScanSpec {
  const source = /^https?:\/\//i.test(model.source) ? model.source : resolve(model.source);
  return {
    model: { source, options: model.options },
    dataset: 'path' in dataset ? { path: resolve(dataset.path) } : dataset,
    scan, images: data.entries.length, fingerprint: datasetFingerprint(data),
  };
}

/** What a spec names, checked against its fingerprint; the model runs `threads` CPU threads. */
export async function openScanSpec(spec: ScanSpec, threads?: number): Promise<{ model: ConvlensModel; data: DatasetSource }> {
  const data = await openSpecDataset(spec);
  if (!matchesSpec(data, spec)) {
    throw new ConvlensError('BAD_INPUT', `The dataset ${data.name} here has ${data.entries.length} images${data.entries.length === spec.images ? ' with other names or labels' : ''}, `
      + `not the ${spec.images} the scan was started with; every worker must see the same dataset at the same path.`);
  }
  return { model: await loadModel(spec.model.source, { ...spec.model.options, threads }), data };
}

/**
 * Runs shards of scans, keeping the last scan's model and dataset open between shards (a
 * worker usually gets many shards of one scan).
 *
 * @example
 * const runner = new ShardRunner(1);
 * const part = await runner.run(spec, [0, 992]);
 * await runner.close();
 */
export class ShardRunner {
  private key = '';
  private opened: Promise<{ model: ConvlensModel; data: DatasetSource }> | null = null;

  /** @param threads onnxruntime threads of the model session (default every core) */
  constructor(private readonly threads?: number) {}

  /** Scans images `range` of the spec's dataset into plain data. */
  async run(spec: ScanSpec, range: [number, number], onProgress?: (done: number, total: number) => void): Promise<ScanSummaryJson> {
    const key = JSON.stringify([spec.model, spec.dataset, spec.fingerprint]);
    if (key !== this.key || !this.opened) {
      await this.close();
      this.key = key;
      this.opened = openScanSpec(spec, this.threads);
    }
    const { model, data } = await this.opened.catch((e: unknown) => { this.opened = null; throw e; });
    return scanToJson(await scanDataset(model, data, { ...spec.scan, range, shard: true, onProgress }), range);
  }

  async close(): Promise<void> {
    const opened = this.opened;
    this.opened = null;
    this.key = '';
    if (opened) await opened.then(({ model }) => model.dispose(), () => undefined);
  }
}
