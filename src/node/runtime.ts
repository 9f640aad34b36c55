/** onnxruntime-node as convlens's runtime: native CPU kernels, all cores. */
import * as ort from 'onnxruntime-node';
import { MiB, type Runtime } from '../engine/runtime.js';

export const nodeRuntime: Runtime = {
  ort,
  sessionOptions: { graphOptimizationLevel: 'all', executionProviders: ['cpu'] },
  memoryBudget: 2048 * MiB,
};
