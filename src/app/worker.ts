/**
 * The app's compute worker: every model, method and picture lives here, so the page stays
 * responsive during long runs. Each request gets its own AbortSignal (the page's cancel
 * button aborts it) and reports progress; errors travel back with their ConvlensError code.
 */
import { ConvlensError } from '../browser/index.js';
import type { ErrorInfo, FromWorker, Picture, Request, ToWorker } from './protocol.js';
import { explain, exportResult, renderResult } from './worker-explain.js';
import { layerFeatureMaps, layerFilters, unitField } from './worker-inside.js';
import { openModel, predict, probeBackend } from './worker-models.js';
import { runTankStudy, setPicture } from './worker-pictures.js';
import { evaluateMap, synthesize } from './worker-studies.js';
import { WorkerState } from './worker-state.js';

interface WorkerScope {
  postMessage(message: FromWorker, transfer?: Transferable[]): void;
  addEventListener(type: 'message', listener: (e: MessageEvent<ToWorker>) => void): void;
}
const scope = globalThis as unknown as WorkerScope;
const state = new WorkerState();
const running = new Map<number, AbortController>();

type Progress = (done: number, total: number, label?: string) => void;
type ShowImage = (image: Picture, step: number) => void;

function handle(request: Request, signal: AbortSignal, progress: Progress, showImage: ShowImage): Promise<unknown> | unknown {
  switch (request.kind) {
    case 'probe': return probeBackend(request.backend);
    case 'open': return openModel(state, request.slot, request, signal, progress);
    case 'picture': return setPicture(state, request);
    case 'predict': return predict(state, request.slot, signal);
    case 'explain': return explain(state, request, signal, (d, t) => progress(d, t, request.method));
    case 'render': return renderResult(state.result(request.resultId), request.view);
    case 'download': return exportResult(state.result(request.resultId), request.format, request.view);
    case 'featureMaps': return layerFeatureMaps(state, request, signal);
    case 'filters': return layerFilters(state, request);
    case 'receptiveField': return unitField(state, request);
    case 'tankStudy': return runTankStudy(state, signal, (d, t) => progress(d, t, 'tank study'));
    case 'synthesize': return synthesize(state, request, signal, (d, t) => progress(d, t, 'synthesis step'), showImage);
    case 'evaluate': return evaluateMap(state, request, signal, progress);
  }
}

function errorInfo(e: unknown): ErrorInfo {
  if (e instanceof ConvlensError) return { name: 'ConvlensError', code: e.code, message: e.message };
  const err = e as Error;
  return { name: err?.name ?? 'Error', code: null, message: err?.message ?? String(e) };
}

scope.addEventListener('message', async (event) => {
  const message = event.data;
  if ('cancel' in message) {
    running.get(message.id)?.abort();
    return;
  }
  const { id, request, cancelFlag } = message;
  const controller = new AbortController();
  running.set(id, controller);
  const started = performance.now();
  const progress: Progress = (done, total, label = request.kind) => {
    if (cancelFlag && Atomics.load(cancelFlag, 0) === 1) controller.abort();
    scope.postMessage({ id, type: 'progress', done, total, label });
  };
  // The picture's pixels move to the page rather than being copied.
  const showImage: ShowImage = (image, step) => scope.postMessage({ id, type: 'image', step, image }, [image.data.buffer]);
  try {
    const value = await handle(request, controller.signal, progress, showImage);
    if (controller.signal.aborted) throw new ConvlensError('ABORTED', 'Cancelled.');
    scope.postMessage({ id, type: 'done', value, ms: performance.now() - started });
  } catch (e) {
    scope.postMessage({ id, type: 'error', error: errorInfo(controller.signal.aborted ? new ConvlensError('ABORTED', 'Cancelled.') : e) });
  } finally {
    running.delete(id);
  }
});
