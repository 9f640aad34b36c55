/**
 * A scan on one machine with its three stages on three threads: a reading thread decodes and
 * preprocesses batch i + 2, the main thread runs batch i + 1 in onnxruntime-node (which blocks
 * it), and a folding thread folds batch i into the summaries.
 */
import { scanDataset, type ScanOptions, type ScanSummary } from '../dataset/scan.js';
import type { DatasetSource } from '../dataset/source.js';
import type { ConvlensModel } from '../engine/model.js';
import { FoldingThread } from './scan-folding.js';
import { ReadingThread } from './scan-reading.js';
import type { ScanSpec } from './scan-spec.js';

/**
 * `scanDataset` with reading and folding on worker threads; `spec` names the same dataset
 * for the reading thread to open (its fingerprint is checked there). Same result.
 *
 * @example
 * const spec = scanSpec({ source: 'model.onnx', options: {} }, { path: 'photos/' }, data, { top: 9 });
 * const scan = await scanPipelined(model, data, spec, { top: 9, onProgress });
 */
export async function scanPipelined(model: ConvlensModel, data: DatasetSource, spec: Pick<ScanSpec, 'dataset' | 'fingerprint' | 'images' | 'scan'>, options: ScanOptions = {}): Promise<ScanSummary> {
  const reading = new ReadingThread(spec, model);
  const folding = new FoldingThread();
  try {
    return await scanDataset(model, data, { ...options, reader: reading.reader, folding: folding.folding(model.outputName) });
  } finally {
    await Promise.all([reading.close(), folding.close()]);
  }
}
