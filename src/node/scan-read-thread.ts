/**
 * The scan's reading thread: opens the scan's dataset itself and reads, decodes and
 * preprocesses the batches the main thread asks for, while the main thread runs onnxruntime.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readScanBatch, type ScanBatch } from '../dataset/scan.js';
import { ConvlensError } from '../errors.js';
import { preprocessImages, type PreprocessSpec } from '../preprocess/preprocess-images.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
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
  // This thread allocates little JavaScript, so V8 collects its garbage rarely: the buffers of
  // pictures it has preprocessed would gather up to V8's external-memory allowance (peak RSS
  // 54 to 109 MiB higher at 20k images than at 2k). Handed on with the batch, they are freed
  // by the main thread, which collects often. Node ignores those it cannot transfer (sharp's).
  const finished = new Set<ArrayBuffer>();
  const preprocessed = (images: RgbImage[]) => {
    const x = preprocessImages(images, preprocess);
    for (const { data } of images) if (ownsWholeBuffer(data)) finished.add(data.buffer);
    return x;
  };
  opened.then((data) => readScanBatch(data, indices, preprocessed, strict)).then(
    (batch) => port.postMessage({ id, kind: 'batch', batch } satisfies ReadReply, [...(batch.x ? [batch.x.data.buffer as ArrayBuffer] : []), ...finished]),
    (e: unknown) => port.postMessage({ id, kind: 'error', ...threadError(e) } satisfies ReadReply),
  );
});

/**
 * Whether `data` spans a whole ArrayBuffer (not a SharedArrayBuffer, not a slice of Node's
 * buffer pool). The datasets this thread opens make a new picture at every read, so detaching
 * the buffer leaves no other view of it empty.
 */
function ownsWholeBuffer(data: Uint8ClampedArray): data is Uint8ClampedArray & { buffer: ArrayBuffer } {
  return data.buffer instanceof ArrayBuffer && data.byteOffset === 0 && data.byteLength === data.buffer.byteLength;
}
