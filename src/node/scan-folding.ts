/**
 * Folding a scan's batches on a worker thread: onnxruntime-node runs on the main thread and
 * blocks it for each batch, so summaries folded there wait for the run and the run waits for
 * them. On a thread of its own the fold of batch i overlaps the run of batch i + 1. Output
 * buffers are moved to the thread, not copied.
 */
import type { Worker } from 'node:worker_threads';
import { scanFromJson, scanToJson, type ScanSummaryJson } from '../dataset/scan-shards.js';
import type { ScanFolding, ScanSummary } from '../dataset/scan.js';
import { ConvlensError } from '../errors.js';
import { errorFromThread, siblingModule, startModuleThread } from './module-thread.js';
import type { FoldReply, FoldRequest } from './scan-fold-thread.js';

/** Batches sent but not yet folded: one being folded and one waiting, so the thread does not idle between them. */
const IN_FLIGHT = 2;

/**
 * A worker thread that folds scans' batches, one scan at a time; kept across scans, since a
 * thread takes a while to start.
 *
 * @example
 * const thread = new FoldingThread();
 * const scan = await scanDataset(model, data, { layers: ['conv3'], folding: thread.folding(model.outputName) });
 * await thread.close();
 */
export class FoldingThread {
  private readonly worker: Worker;
  private failure: Error | null = null;
  private inFlight = 0;
  /** Called on the thread's next reply (or its failure). */
  private waiting: (() => void) | null = null;
  private summary: ScanSummaryJson | null = null;
  private busy = false;

  constructor() {
    this.worker = startModuleThread(siblingModule(import.meta.url, 'scan-fold-thread'));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new ConvlensError('RUNTIME', `The scan's folding thread stopped (exit code ${code}).`)));
    this.worker.on('message', (reply: FoldReply) => {
      if (reply.kind === 'error') this.fail(errorFromThread(reply));
      else if (reply.kind === 'done') this.summary = reply.summary;
      else this.inFlight--;
      this.wake();
    });
  }

  /** The `ScanOptions.folding` of one scan on this thread (a thread folds one scan at a time). */
  folding(outputName: string): (empty: ScanSummary) => ScanFolding {
    return (empty) => {
      if (this.busy) throw new ConvlensError('BAD_OPTION', 'This folding thread is already folding another scan; give each concurrent scan its own FoldingThread.');
      if (this.failure) throw this.failure;
      this.busy = true;
      this.summary = null;
      this.post({ kind: 'start', empty: scanToJson(empty, [0, 0]), outputName });
      return {
        add: async (outputs, images, labels) => {
          const buffers = new Set(Object.values(outputs).map((t) => t.data.buffer as ArrayBuffer));
          this.post({ kind: 'batch', outputs, images, labels }, [...buffers]);
          this.inFlight++;
          await this.until(() => this.inFlight < IN_FLIGHT);
        },
        finish: async () => {
          this.summary = null;
          this.post({ kind: 'finish' });
          await this.until(() => this.summary !== null);
          const { layers, predictions } = scanFromJson(this.summary!);
          return { layers, predictions };
        },
        close: () => {
          // A scan that stopped half way leaves batches on the thread; only a fresh thread is clean.
          if (this.inFlight > 0 || this.summary === null) this.fail(new ConvlensError('ABORTED', 'The folding thread was left by a scan that stopped.'));
          this.busy = false;
        },
      };
    };
  }

  async close(): Promise<void> {
    this.worker.removeAllListeners('exit');
    await this.worker.terminate();
  }

  private post(request: FoldRequest, transfer: ArrayBuffer[] = []): void {
    if (this.failure) throw this.failure;
    this.worker.postMessage(request, transfer);
  }

  private async until(done: () => boolean): Promise<void> {
    while (!done() && !this.failure) await new Promise<void>((resolve) => { this.waiting = resolve; });
    if (this.failure) throw this.failure;
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = null;
    w?.();
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.wake();
  }
}
