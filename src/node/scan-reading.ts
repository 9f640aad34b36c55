/**
 * Reading a scan's batches on a worker thread: decoding and preprocessing on the main thread
 * would wait while onnxruntime-node runs a batch there, and the run would wait for them. The
 * thread opens the dataset itself (from the scan's spec) and moves each batch's input tensor
 * to the main thread without copying it.
 */
import type { Worker } from 'node:worker_threads';
import type { ScanBatch } from '../dataset/scan.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import { errorFromThread, siblingModule, startModuleThread } from './module-thread.js';
import type { ReadReply, ReadRequest, ReadThreadData } from './scan-read-thread.js';
import type { ScanSpec } from './scan-spec.js';

/**
 * A worker thread that reads one dataset's batches for scans of it, as `ScanOptions.reader`.
 *
 * @example
 * const thread = new ReadingThread(spec, model);
 * const scan = await scanDataset(model, data, { ...spec.scan, reader: thread.reader });
 * await thread.close();
 */
export class ReadingThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (b: ScanBatch) => void; reject: (e: Error) => void }>();
  private next = 0;
  private failure: Error | null = null;

  /** @param spec the scan's dataset (its fingerprint is checked on the thread) and whether unreadable images stop it (`scan.strict`) */
  constructor(spec: Pick<ScanSpec, 'dataset' | 'fingerprint' | 'images' | 'scan'>, model: ConvlensModel) {
    const data: ReadThreadData = { spec: { dataset: spec.dataset, fingerprint: spec.fingerprint, images: spec.images }, preprocess: model.preprocessSpec, strict: spec.scan.strict ?? false };
    this.worker = startModuleThread(siblingModule(import.meta.url, 'scan-read-thread'), { workerData: data });
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new ConvlensError('RUNTIME', `The scan's reading thread stopped (exit code ${code}).`)));
    this.worker.on('message', (reply: ReadReply) => {
      const waiting = this.pending.get(reply.id);
      this.pending.delete(reply.id);
      if (reply.kind === 'batch') waiting?.resolve(reply.batch);
      else waiting?.reject(errorFromThread(reply));
    });
  }

  /** Reads the batch of images `indices` on the thread. */
  readonly reader = (indices: number[]): Promise<ScanBatch> => new Promise((resolve, reject) => {
    if (this.failure) { reject(this.failure); return; }
    const id = this.next++;
    this.pending.set(id, { resolve, reject });
    this.worker.postMessage({ id, indices } satisfies ReadRequest);
  });

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    for (const { reject } of this.pending.values()) reject(this.failure);
    this.pending.clear();
  }
}
