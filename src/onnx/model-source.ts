/** What the platform adapters return when they open a model, in Node and in browsers alike. */
import type { Model } from './types.js';

export interface ModelSource {
  /**
   * The model as ONNX bytes, self-contained: the source's own bytes, or, when weights came
   * from external data files, the model encoded again with those weights inside.
   */
  bytes: Uint8Array;
  model: Model;
  /** The path, URL or file name the model came from, for messages. */
  label: string;
}

/** How an adapter fetches what a model URL needs. */
export interface FetchOptions {
  /** The fetch to use; default the global `fetch`. */
  fetch?: typeof globalThis.fetch;
  signal?: AbortSignal;
}
