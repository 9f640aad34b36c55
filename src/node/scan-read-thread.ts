/**
 * The scan's reading thread: opens the scan's dataset itself and reads, decodes and
 * preprocesses the batches the main thread asks for, while the main thread runs onnxruntime.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readScanBatch, type ScanBatch } from '../dataset/scan.js';
import { ConvlensError } from '../errors.js';
import { preprocessImages, type PreprocessSpec } from '../preprocess/preprocess-images.js';
import { matchesSpec, openSpecDataset } from './scan-spec-dataset.js';
import type { ScanSpec } from './scan-spec.js';
import { threadError, type ThreadError } from './module-thread.js';

/** The dataset to open, its expected fingerprint, and how to read it. */
export interface ReadThreadData { spec: Pick<ScanSpec, 'dataset' | 'fingerprint' | 'images'>; preprocess: PreprocessSpec; strict: boolean }

/** A batch to read, numbered so that replies to several requests in flight find their request. */
export interface ReadRequest { id: number; indices: number[] }

export type ReadReply =
  | { id: number; kind: 'batch'; batch: ScanBatch }
  | { id: number; kind: 'error' } & ThreadError;

const { spec, preprocess, strict } = workerData as ReadThreadData;
const opened = (async () => {
  const data = await openSpecDataset(spec);
  if (!matchesSpec(data, spec)) {
    throw new ConvlensError('BAD_INPUT', `The dataset ${data.name} changed while the scan started (${data.entries.length} images now); scan it again once it stays the same.`);
  }
  return data;
})();
opened.catch(() => undefined);
const port = parentPort!;
port.on('message', ({ id, indices }: ReadRequest) => {
  opened.then((data) => readScanBatch(data, indices, (images) => preprocessImages(images, preprocess), strict)).then(
    (batch) => port.postMessage({ id, kind: 'batch', batch } satisfies ReadReply, batch.x ? [batch.x.data.buffer as ArrayBuffer] : []),
    (e: unknown) => port.postMessage({ id, kind: 'error', ...threadError(e) } satisfies ReadReply),
  );
});
