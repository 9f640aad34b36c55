/**
 * LayerSummary's per-activation loop against a plain reference built value by value: a
 * quantile sketch fed through `add`, the fire count, maximum, fixed-point sums and top-K by
 * sorting, on activations with every sign case the loop tells apart (zeros, tiny values
 * either side of zero, negatives, ties); and its refusal of NaN and infinite activations.
 */
import { describe, expect, it } from 'vitest';
import { LayerSummary } from '../../src/dataset/layer-summary.js';
import { QuantileSketch, SKETCH_ZERO } from '../../src/dataset/quantile-sketch.js';
import { SceneRandom } from '../../src/demo/scenes/scene-random.js';

const [N, C, H, W] = [6, 3, 4, 5];
const plane = H * W;

function activations(seed: number): Float32Array {
  const rng = new SceneRandom(seed);
  return Float32Array.from({ length: N * C * plane }, (_, i) => {
    const r = rng.next();
    if (r < 0.4) return 0;
    if (r < 0.45) return (rng.next() - 0.5) * SKETCH_ZERO;
    if (r < 0.5) return 2.5;
    return (rng.next() - 0.3) * Math.exp(4 * rng.next()) * (i % 3 === 0 ? 1e-6 : 1);
  });
}

describe('LayerSummary.add', () => {
  it('keeps what a value-by-value reference keeps', () => {
    for (const rank of ['mean', 'max'] as const) {
      const summary = new LayerSummary('t', [C, H, W], { k: 4, rank });
      const batches = [activations(1), activations(2)];
      const images = [[0, 1, 2, 3, 4, 5], [10, 11, 12, 13, 14, 15]];
      batches.forEach((data, b) => summary.add({ data, shape: [N, C, H, W] }, images[b]));

      const json = summary.toJSON();
      for (let c = 0; c < C; c++) {
        const sketch = new QuantileSketch();
        const entries = [];
        let fires = 0;
        let max = -Infinity;
        let sums = 0n;
        for (const [b, data] of batches.entries()) {
          for (let n = 0; n < N; n++) {
            const values = Array.from(data.subarray((n * C + c) * plane, (n * C + c + 1) * plane));
            let sum = 0;
            for (const v of values) { sum += v; sketch.add(v); }
            fires += values.filter((v) => v > 0).length;
            const best = Math.max(...values);
            max = Math.max(max, best);
            sums += BigInt(Math.round(sum * 2 ** 32));
            const at = values.indexOf(best);
            entries.push({ image: images[b][n], score: rank === 'max' ? best : sum / plane, y: Math.floor(at / W), x: at % W });
          }
        }
        entries.sort((a, b) => b.score - a.score || a.image - b.image);
        expect(json.sketches[c]).toEqual(sketch.toJSON());
        expect(json.fires[c]).toBe(fires);
        expect(json.maxima[c]).toBe(max);
        expect(json.sums[c]).toBe(String(sums));
        expect(json.heaps[c]).toEqual(entries.slice(0, 4));
      }
      expect(json.values).toBe(2 * N * plane);
    }
  });

  it('refuses NaN and infinite activations', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const data = activations(3);
      data[7] = bad;
      const summary = new LayerSummary('t', [C, H, W], { k: 2, rank: 'mean' });
      expect(() => summary.add({ data, shape: [N, C, H, W] }, [0, 1, 2, 3, 4, 5])).toThrow(/NaN|infinite/);
    }
  });
});
