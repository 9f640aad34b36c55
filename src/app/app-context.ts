/**
 * State the views share (open models, current picture, target class, display options) and
 * the one way they run worker requests: with a progress bar, a cancel button, the backend's
 * milliseconds, and errors shown as the library words them.
 */
import { ComputeClient, WorkerError } from './client.js';
import type { Backend, ModelInfo, Picture, PictureReply, Replies, Request, Slot, ViewOptions } from './protocol.js';

export interface Status {
  busy(label: string, cancel: () => void): void;
  progress(done: number, total: number, label: string): void;
  idle(ms: number | null, what: string): void;
  error(message: string, code: string | null): void;
}

export class AppContext extends EventTarget {
  readonly client: ComputeClient;
  backend: Backend | null = null;
  models: Record<Slot, ModelInfo | null> = { a: null, b: null };
  picture: PictureReply | null = null;
  /** Class to explain; null = the top prediction. */
  target: number | null = null;
  /** The top prediction for the current picture, once known. */
  topClass: number | null = null;
  view: ViewOptions = { alpha: 0.4, colormap: 'viridis', mark: 'none' };
  /** Milliseconds the worker spent on the last request that succeeded. */
  lastMs = 0;

  constructor(workerUrl: URL, private readonly status: Status) {
    super();
    this.client = new ComputeClient(workerUrl, (_id, done, total, label) => status.progress(done, total, label));
  }

  /** Runs a request with progress and cancel; returns null (after showing why) when it failed or was cancelled. */
  async run<R extends Request>(request: R, label: string, onImage?: (image: Picture, step: number) => void): Promise<Replies[R['kind']] | null> {
    const running = this.client.send(request, onImage);
    this.status.busy(label, () => this.client.cancel(running.id));
    try {
      const { value, ms } = await running.result;
      this.lastMs = ms;
      this.status.idle(ms, label);
      return value;
    } catch (e) {
      const err = e as WorkerError;
      this.status.error(err.message, err.code ?? null);
      return null;
    }
  }

  /** Tells the views something changed: the model (A or B), the picture, the target class or the view options. */
  changed(what: 'model' | 'modelB' | 'picture' | 'target' | 'view'): void {
    this.dispatchEvent(new Event(what));
  }

  on(what: 'model' | 'modelB' | 'picture' | 'target' | 'view', listener: () => void): void {
    this.addEventListener(what, listener);
  }
}
