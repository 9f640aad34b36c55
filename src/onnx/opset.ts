/** The default-domain opset a model imports, which decides the semantics of its ops. */
import type { Model } from './types.js';

/**
 * The `ai.onnx` opset version of `model` (13 when the model does not import it, as a model
 * made only of custom-domain ops would).
 *
 * @example
 * onnxOpset(model); // 17
 */
export function onnxOpset(model: Model): number {
  return model.opsets.find((o) => o.domain === '')?.version ?? 13;
}
