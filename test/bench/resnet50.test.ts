/** The benchmark's ResNet-50 is torchvision's architecture, named as the TorchScript exporter names it. */
import { describe, expect, it } from 'vitest';
import { forward } from '../../src/methods/passes.js';
import { seededNormal } from '../../src/methods/seeded-random.js';
import { loadModel } from '../../src/node/index.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { elementCount } from '../../src/onnx/tensor.js';
import { buildResNet50 } from '../../tools/bench/resnet50.js';

describe('buildResNet50', () => {
  const built = buildResNet50({ size: 64 });
  const graph = built.graph;

  it('has the layers and parameters of torchvision resnet50 with BatchNorm folded', () => {
    const count = (op: string) => graph.nodes.filter((n) => n.opType === op).length;
    expect([count('Conv'), count('Relu'), count('Add'), count('MaxPool'), count('Gemm')]).toEqual([53, 49, 16, 1, 1]);
    // torchvision's 25,557,032 parameters less one of BatchNorm's two per channel (26,560 channels).
    const params = [...graph.initializers.values()].reduce((s, t) => s + elementCount(t.dims), 0);
    expect(params).toBe(25_530_472);
  });

  it('resolves layer4 to the last block output and keeps logits of order one', async () => {
    const model = await loadModel(encodeModel(built), { preprocess: 'imagenet' });
    const tensor = model.resolveLayer('layer4');
    expect(tensor).toBe('/layer4/layer4.2/relu_2/Relu_output_0');
    const x = { data: Float32Array.from({ length: 2 * 3 * 64 * 64 }, seededNormal(3)), shape: [2, 3, 64, 64] };
    const out = await forward(model, x, [tensor, 'logits']);
    expect(out[tensor].shape).toEqual([2, 2048, 2, 2]);
    const logits = out.logits.data;
    const std = Math.sqrt(logits.reduce((s, v) => s + v * v, 0) / logits.length);
    // He init with small residual-branch gains: without them the 16 residual Adds would scale logits by ~2^8.
    expect(logits.every(Number.isFinite)).toBe(true);
    expect(std).toBeGreaterThan(0.1);
    expect(std).toBeLessThan(30);
    await model.dispose();
  });
});
