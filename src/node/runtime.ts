/** onnxruntime-node as convlens's runtime: native CPU kernels, all cores. */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { MiB, type Runtime } from '../engine/runtime.js';
import { threadCount } from '../engine/threads.js';

/**
 * The runtime with `threads` intra-op threads per session (default: every core the process
 * may use; onnxruntime's own default counts physical cores, often half of them).
 *
 * The threads stop spinning as soon as a run returns (onnxruntime's default keeps them
 * spinning for 20 to 50 ms after it, on the cores the next run needs): convlens runs several
 * sessions of a model in turn (predictions, each method's gradient graph, a scan's reads and
 * folds between runs). On two cores (tools/bench/thread-policy.ts), Grad-CAM and saliency
 * called in turn twice took 130 ms against 214 ms spinning on (ResNet-18, one image), and 318
 * against 355 ms (MobileNetV3-Large, batch 8). One call alone times the same either way; one
 * session run back to back gains from spinning (MobileNetV3 Grad-CAM three times in a row:
 * 100 ms spinning, 115 ms here). Threads that sleep between tasks time about as these do.
 *
 * @example
 * const runtime = nodeRuntimeWithThreads(4);
 * runtime.sessionOptions.intraOpNumThreads; // 4
 */
export function nodeRuntimeWithThreads(threads?: number): Runtime {
  return {
    ort,
    sessionOptions: {
      graphOptimizationLevel: 'all', executionProviders: ['cpu'], intraOpNumThreads: threadCount(threads, availableParallelism()),
      extra: { session: { force_spinning_stop: '1' } },
    },
    memoryBudget: 2048 * MiB,
    maxPoolIndices: true,
  };
}

export const nodeRuntime: Runtime = nodeRuntimeWithThreads();
