/** onnxruntime-node as convlens's runtime: native CPU kernels, all cores. */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { MiB, type Runtime } from '../engine/runtime.js';
import { threadCount } from '../engine/threads.js';

/**
 * The runtime with `threads` intra-op threads per session (default: every core the process
 * may use; onnxruntime's own default counts physical cores, often half of them).
 *
 * @example
 * const runtime = nodeRuntimeWithThreads(4);
 * runtime.sessionOptions.intraOpNumThreads; // 4
 */
export function nodeRuntimeWithThreads(threads?: number): Runtime {
  return {
    ort,
    sessionOptions: { graphOptimizationLevel: 'all', executionProviders: ['cpu'], intraOpNumThreads: threadCount(threads, availableParallelism()) },
    memoryBudget: 2048 * MiB,
  };
}

export const nodeRuntime: Runtime = nodeRuntimeWithThreads();
