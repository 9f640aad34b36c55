/** The page's side of the worker protocol: typed requests that resolve with the reply and the milliseconds the worker spent. */
import type { ErrorInfo, FromWorker, Replies, Request, ToWorker } from './protocol.js';

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

  constructor(url: URL, private readonly onProgress: (id: number, done: number, total: number, label: string) => void) {
    this.worker = new Worker(url, { type: 'module' });
    this.worker.addEventListener('message', (e: MessageEvent<FromWorker>) => this.listeners.get(e.data.id)?.(e.data));
  }

  /** Sends a request; the promise rejects with a {@link WorkerError}. */
  send<R extends Request>(request: R): Running<Replies[R['kind']]> {
    const id = this.nextId++;
    const result = new Promise<{ value: Replies[R['kind']]; ms: number }>((resolve, reject) => {
      this.listeners.set(id, (message) => {
        if (message.type === 'progress') {
          this.onProgress(id, message.done, message.total, message.label);
          return;
        }
        this.listeners.delete(id);
        if (message.type === 'done') resolve({ value: message.value as Replies[R['kind']], ms: message.ms });
        else reject(new WorkerError(message.error));
      });
    });
    this.worker.postMessage({ id, request } satisfies ToWorker);
    return { id, result };
  }

  cancel(id: number): void {
    this.worker.postMessage({ id, cancel: true } satisfies ToWorker);
  }
}
