/**
 * The one seam between convlens and a tensor runtime. Node passes onnxruntime-node, the
 * browser onnxruntime-web; both implement the onnxruntime-common API, so the engine and
 * every method above it run unchanged on either.
 */
import type { InferenceSession, Tensor } from 'onnxruntime-common';

export interface OrtModule {
  InferenceSession: typeof InferenceSession;
  Tensor: typeof Tensor;
}

export interface Runtime {
  ort: OrtModule;
  /** Options for every session convlens creates (execution providers, threads). */
  sessionOptions: InferenceSession.SessionOptions;
  /**
   * Bytes compiled sessions may hold (weights and arenas); larger batches are split into
   * chunks whose arena fits. Node defaults to 2 GiB, browsers to 512 MiB.
   */
  memoryBudget: number;
  /**
   * Whether its kernels produce MaxPool's Indices output (onnxruntime's CPU kernels do, in
   * Node and WebAssembly; WebGPU's do not): gradient graphs then use it. Default false.
   */
  maxPoolIndices?: boolean;
}

export const MiB = 1024 * 1024;
