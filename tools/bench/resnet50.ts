/** The benchmark's ResNet-50: torchvision's architecture exported by `torch.onnx.export`. */
import { exportedModelBytes, type Exporter } from './models.js';

/**
 * Bytes of a full-width ResNet-50 (random weights) for `[batch, 3, size, size]` inputs,
 * exported by PyTorch on first use and cached under `.cache/bench/`.
 *
 * @example
 * const { bytes } = await resNet50Bytes(224);
 */
export function resNet50Bytes(size = 224, exporter: Exporter = 'legacy'): Promise<{ bytes: Uint8Array; path: string; built: boolean }> {
  return exportedModelBytes('resnet50', exporter, size);
}
