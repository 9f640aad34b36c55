/**
 * smallCnn's variants: zero-mean He-initialized filters, an unpooled last stage, and a
 * flattened head whose output is the fc layer applied to the last map, checked by hand.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { forward } from '../../src/methods/passes.js';
import { seededNormal } from '../../src/numeric/seeded-random.js';
import { loadModel } from '../../src/node/index.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { tensorToFloat32 } from '../../src/onnx/tensor.js';
import { smallCnn } from '../../src/train/architectures.js';

const weights = (model: ReturnType<typeof smallCnn>, name: string) => tensorToFloat32(model.graph.initializers.get(name)!);

describe('smallCnn', () => {
  it('starts every filter with zero mean and the He spread', () => {
    const model = smallCnn({ inputSize: 16, channels: [32, 64], classes: 2, seed: 5 });
    for (const [name, fanIn] of [['features.0.weight', 3 * 9], ['features.3.weight', 32 * 9]] as const) {
      const w = weights(model, name);
      for (let o = 0; o < w.length / fanIn; o++) {
        expect(Math.abs(w.subarray(o * fanIn, (o + 1) * fanIn).reduce((a, v) => a + v, 0))).toBeLessThan(1e-5);
      }
      const std = Math.sqrt(w.reduce((a, v) => a + v * v, 0) / w.length);
      // Centring removes 1 / fanIn of the variance; sampling moves the rest by a few percent.
      expect(std / Math.sqrt(2 / fanIn)).toBeGreaterThan(0.9);
      expect(std / Math.sqrt(2 / fanIn)).toBeLessThan(1.1);
    }
  });

  it('leaves out the last max pooling with finalPool: false', () => {
    const ops = (finalPool: boolean) => smallCnn({ inputSize: 16, channels: [4, 8], classes: 2, finalPool }).graph.nodes.map((n) => n.name);
    expect(ops(true)).toContain('/features/features.5/MaxPool');
    expect(ops(false)).toEqual([
      '/features/features.0/Conv', '/features/features.1/Relu', '/features/features.2/MaxPool',
      '/features/features.3/Conv', '/features/features.4/Relu', '/avgpool/GlobalAveragePool', '/Flatten', '/fc/Gemm',
    ]);
    // One pooling stage needs only 2 pixels per side.
    expect(() => smallCnn({ inputSize: 2, channels: [4, 8], classes: 2, finalPool: false })).not.toThrow();
    expect(() => smallCnn({ inputSize: 2, channels: [4, 8], classes: 2 })).toThrow(/too small for 2 pooling stages/);
  });

  describe('with a flattened head', () => {
    const model = smallCnn({ inputSize: [12, 8], channels: [4, 6], outputs: 3, head: 'flatten', seed: 2 });
    const normal = seededNormal(1);
    const tall = { data: Float32Array.from({ length: 2 * 3 * 12 * 8 }, () => normal()), shape: [2, 3, 12, 8] };
    let dispose: (() => Promise<void>) | undefined;
    afterAll(() => dispose?.());

    it('feeds the whole last map, position by position, to fc', async () => {
      expect(model.graph.initializers.get('fc.weight')!.dims).toEqual([3, 6 * 3 * 2]);
      const loaded = await loadModel(encodeModel(model), { preprocess: 'unit' });
      dispose = () => loaded.dispose();
      const last = loaded.resolveLayer('features.5');
      const r = await forward(loaded, tall, [last, loaded.outputName]);
      const [fcW, fcB] = [weights(model, 'fc.weight'), weights(model, 'fc.bias')];
      const map = r[last];
      expect(map.shape).toEqual([2, 6, 3, 2]);
      const d = 6 * 3 * 2;
      for (let n = 0; n < 2; n++) {
        for (let j = 0; j < 3; j++) {
          let expected = fcB[j];
          for (let i = 0; i < d; i++) expected += fcW[j * d + i] * map.data[n * d + i];
          expect(r[loaded.outputName].data[n * 3 + j]).toBeCloseTo(expected, 5);
        }
      }
      expect(loaded.layers.map((l) => l.module)).toEqual(['features.0', 'features.1', 'features.2', 'features.3', 'features.4', 'features.5', null, 'fc']);
    });

    it('rejects an unknown head', () => {
      expect(() => smallCnn({ inputSize: 8, classes: 2, channels: [4], head: 'maxpool' as 'flatten' })).toThrow(/head must be 'avgpool' or 'flatten'/);
    });
  });
});
