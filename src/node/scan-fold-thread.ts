/**
 * The scan's folding thread: holds a scan's summaries and folds each batch of outputs the
 * main thread sends, while the main thread runs the next batch in onnxruntime.
 */
import { parentPort } from 'node:worker_threads';
import { scanFromJson, scanToJson, type ScanSummaryJson } from '../dataset/scan-shards.js';
import { foldOutputs, type ScanSummary } from '../dataset/scan.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { threadError, type ThreadError } from './module-thread.js';

/** What the main thread sends: a scan's empty summary to fill, a batch to fold, or `finish` for the filled summary. */
export type FoldRequest =
  | { kind: 'start'; empty: ScanSummaryJson; outputName: string }
  | { kind: 'batch'; outputs: Record<string, FloatTensor>; images: number[]; labels: (number | null)[] }
  | { kind: 'finish' };

/** What the thread answers: a batch folded, the filled summary, or why folding failed. */
export type FoldReply =
  | { kind: 'folded' }
  | { kind: 'done'; summary: ScanSummaryJson }
  | { kind: 'error' } & ThreadError;

let scan: { summary: ScanSummary; outputName: string; range: [number, number] } | null = null;
const port = parentPort!;
port.on('message', (request: FoldRequest) => {
  const reply = (r: FoldReply) => port.postMessage(r);
  try {
    if (request.kind === 'start') {
      scan = { summary: scanFromJson(request.empty), outputName: request.outputName, range: request.empty.range };
    } else if (!scan) {
      throw new ConvlensError('RUNTIME', 'The folding thread got a batch before a scan started.');
    } else if (request.kind === 'batch') {
      foldOutputs(scan.summary, scan.outputName, request.outputs, request.images, request.labels);
      // The outputs go back to be freed by the main thread, which collects often; this thread
      // allocates too little of its own to collect them soon (see scan-read-thread.ts).
      port.postMessage({ kind: 'folded' } satisfies FoldReply, [...new Set(Object.values(request.outputs).map((t) => t.data.buffer as ArrayBuffer))]);
    } else {
      reply({ kind: 'done', summary: scanToJson(scan.summary, scan.range) });
      scan = null;
    }
  } catch (e) {
    reply({ kind: 'error', ...threadError(e) });
  }
});
