/** onnxruntime-node as convlens's runtime: native CPU kernels, all cores. */
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { MiB, type Runtime } from '../engine/runtime.js';
import { threadCount } from '../engine/threads.js';

/**
 * The runtime with `threads` intra-op threads per session (default: every core the process
 * may use; onnxruntime's own default counts physical cores, often half of them).
 *
 * The threads sleep between tasks instead of spinning (onnxruntime's default). A spinning
 * session keeps its threads busy for 20 to 50 ms after each run, on the cores the next run
 * needs, and convlens runs several sessions of a model in turn (predictions, each method's
 * gradient graph, a scan's reads and folds between runs). On two cores, Grad-CAM and
 * saliency called in turn twice took 145 ms with sleeping threads against 227 ms spinning
 * (ResNet-18, one image) and 312 against 390 ms (MobileNetV3-Large, batch 8); one method
 * called alone or repeatedly timed within 5 % either way.
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
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    },
    memoryBudget: 2048 * MiB,
  };
}

export const nodeRuntime: Runtime = nodeRuntimeWithThreads();
