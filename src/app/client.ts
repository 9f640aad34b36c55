/** The page's side of the worker protocol: typed requests that resolve with the reply and the milliseconds the worker spent. */
import type { ErrorInfo, FromWorker, Picture, Replies, Request, ToWorker } from './protocol.js';

/** A failed request, carrying the worker's ConvlensError code when there was one. */
export class WorkerError extends Error {
  readonly code: string | null;
  constructor(readonly info: ErrorInfo) {
    super(info.message);
    this.name = info.name;
    this.code = info.code;
  }
}

export interface Running<T> {
  id: number;
  result: Promise<{ value: T; ms: number }>;
}

type Listener = (message: FromWorker) => void;

export class ComputeClient {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly listeners = new Map<number, Listener>();
  private readonly cancelFlags = new Map<number, Int32Array>();

  constructor(url: URL, private readonly onProgress: (id: number, done: number, total: number, label: string) => void) {
    this.worker = new Worker(url, { type: 'module' });
    this.worker.addEventListener('message', (e: MessageEvent<FromWorker>) => this.listeners.get(e.data.id)?.(e.data));
  }

  /** Sends a request; the promise rejects with a {@link WorkerError}. `onImage` receives the pictures a long run shows while it runs. */
  send<R extends Request>(request: R, onImage?: (image: Picture, step: number) => void): Running<Replies[R['kind']]> {
    const id = this.nextId++;
    const result = new Promise<{ value: Replies[R['kind']]; ms: number }>((resolve, reject) => {
      this.listeners.set(id, (message) => {
        if (message.type === 'progress') {
          this.onProgress(id, message.done, message.total, message.label);
          return;
        }
        if (message.type === 'image') {
          onImage?.(message.image, message.step);
          return;
        }
        this.listeners.delete(id);
        this.cancelFlags.delete(id);
        if (message.type === 'done') resolve({ value: message.value as Replies[R['kind']], ms: message.ms });
        else reject(new WorkerError(message.error));
      });
    });
    const cancelFlag = globalThis.crossOriginIsolated ? new Int32Array(new SharedArrayBuffer(4)) : undefined;
    if (cancelFlag) this.cancelFlags.set(id, cancelFlag);
    this.worker.postMessage({ id, request, cancelFlag } satisfies ToWorker);
    return { id, result };
  }

  cancel(id: number): void {
    const flag = this.cancelFlags.get(id);
    if (flag) Atomics.store(flag, 0, 1);
    this.worker.postMessage({ id, cancel: true } satisfies ToWorker);
  }
}
