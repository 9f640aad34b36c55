/**
 * LayerSummary's per-activation loop against a plain reference built value by value: a
 * quantile sketch fed through `add`, the fire count, the first largest value in scan order,
 * fixed-point sums and top-K by sorting, on activations with every case the loop tells apart
 * (zeros alone and in runs, -0, tiny values either side of zero, negatives, ties, planes of
 * odd size, batches not starting on an 8-byte boundary); and its refusal of NaN and infinite
 * activations.
 */
import { describe, expect, it } from 'vitest';
import { LayerSummary } from '../../src/dataset/layer-summary.js';
import { QuantileSketch, SKETCH_ZERO } from '../../src/dataset/quantile-sketch.js';
import { SceneRandom } from '../../src/demo/scenes/scene-random.js';

const [N, C, H, W] = [6, 3, 4, 5];

function activations(seed: number, length = N * C * H * W): Float32Array {
  const rng = new SceneRandom(seed);
  return Float32Array.from({ length }, (_, i) => {
    const r = rng.next();
    if (r < 0.4) return 0;
    if (r < 0.45) return (rng.next() - 0.5) * SKETCH_ZERO;
    if (r < 0.5) return 2.5;
    return (rng.next() - 0.3) * Math.exp(4 * rng.next()) * (i % 3 === 0 ? 1e-6 : 1);
  });
}

/**
 * Mostly zeros in runs of random length, some -0; the last channel never positive (its
 * maximum is a zero whose place counts); the first plane all zeros, the second negatives then zeros.
 */
function sparseActivations(seed: number, shape: [number, number, number, number]): Float32Array {
  const [n, channels, h, w] = shape;
  const plane = h * w;
  const rng = new SceneRandom(seed);
  const data = new Float32Array(n * channels * plane);
  for (let i = 0; i < data.length;) {
    i += Math.floor(rng.next() * 6); // zeros
    if (i >= data.length) break;
    const r = rng.next();
    const positive = Math.floor(i / plane) % channels !== channels - 1;
    data[i++] = r < 0.15 ? -0 : r < 0.3 || !positive ? -(rng.next() + 0.1) : r < 0.35 ? 1.25 : rng.next() * 3;
  }
  data.fill(0, 0, plane);
  for (let i = plane; i < 2 * plane; i++) data[i] = i < plane + 3 ? -1 - i : 0;
  return data;
}

/** The summary's JSON rebuilt value by value, in scan order. */
function reference(batches: Float32Array[], images: number[][], shape: [number, number, number], k: number, rank: 'mean' | 'max') {
  const [channels, h, w] = shape;
  const plane = h * w;
  return Array.from({ length: channels }, (_, c) => {
    const sketch = new QuantileSketch();
    const entries = [];
    let fires = 0;
    let max = -Infinity;
    let sums = 0n;
    for (const [b, data] of batches.entries()) {
      for (let n = 0; n < images[b].length; n++) {
        const values = Array.from(data.subarray((n * channels + c) * plane, (n * channels + c + 1) * plane));
        let sum = 0;
        let best = -Infinity;
        let at = 0;
        values.forEach((v, i) => {
          sum += v;
          sketch.add(v);
          if (v > 0) fires++;
          if (v > best) { best = v; at = i; }
        });
        max = Math.max(max, best);
        sums += BigInt(Math.round(sum * 2 ** 32));
        entries.push({ image: images[b][n], score: rank === 'max' ? best : sum / plane, y: Math.floor(at / w), x: at % w });
      }
    }
    entries.sort((a, b) => b.score - a.score || a.image - b.image);
    return { sketch: sketch.toJSON(), fires, max, sum: String(sums), top: entries.slice(0, k) };
  });
}

function expectLikeReference(summary: LayerSummary, truth: ReturnType<typeof reference>, values: number) {
  const json = summary.toJSON();
  truth.forEach((t, c) => {
    expect(json.sketches[c], `channel ${c}`).toEqual(t.sketch);
    expect(json.fires[c]).toBe(t.fires);
    expect(json.maxima[c]).toBe(t.max);
    expect(json.sums[c]).toBe(t.sum);
    expect(json.heaps[c]).toEqual(t.top);
  });
  expect(json.values).toBe(values);
}

describe('LayerSummary.add', () => {
  it('keeps what a value-by-value reference keeps', () => {
    for (const rank of ['mean', 'max'] as const) {
      const summary = new LayerSummary('t', [C, H, W], { k: 4, rank });
      const batches = [activations(1), activations(2)];
      const images = [[0, 1, 2, 3, 4, 5], [10, 11, 12, 13, 14, 15]];
      batches.forEach((data, b) => summary.add({ data, shape: [N, C, H, W] }, images[b]));
      expectLikeReference(summary, reference(batches, images, [C, H, W], 4, rank), 2 * N * H * W);
    }
  });

  it('keeps the same on sparse maps with runs of zeros, odd plane sizes and unaligned batches', () => {
    for (const [c, h, w] of [[3, 3, 3], [2, 4, 4], [2, 1, 1]] as const) {
      const plane = h * w;
      for (const offset of [0, 1]) {
        for (const rank of ['mean', 'max'] as const) {
          const n = 5;
          const summary = new LayerSummary('t', [c, h, w], { k: 3, rank });
          const batches = [1, 2].map((seed) => {
            // Floats starting 4 bytes into the buffer when offset is 1 (the loop's pair reads must not rely on alignment).
            const backing = new Float32Array(n * c * plane + offset);
            backing.set(sparseActivations(seed + 10 * plane, [n, c, h, w]), offset);
            return backing.subarray(offset);
          });
          const images = [[0, 1, 2, 3, 4], [7, 8, 9, 10, 11]];
          batches.forEach((data, b) => summary.add({ data, shape: [n, c, h, w] }, images[b]));
          expectLikeReference(summary, reference(batches, images, [c, h, w], 3, rank), 2 * n * plane);
        }
      }
    }
  });

  it('sums exactly where channel sums pass 2^53 units of 2^-32, and merges such sums exactly', () => {
    // Per-image sums near 2^30 and 2^60 and of either sign, across many images: the
    // fixed-point totals go far past what a float64 holds exactly.
    const huge = (seed: number) => activations(seed).map((v, i) => v * 2 ** (i % 3 === 0 ? 30 : i % 3 === 1 ? 60 : 0) * (i % 4 === 0 ? -1 : 1));
    const batches = Array.from({ length: 40 }, (_, b) => huge(b + 20));
    const images = batches.map((_, b) => Array.from({ length: N }, (_, n) => b * N + n));
    const whole = new LayerSummary('t', [C, H, W], { k: 2, rank: 'mean' });
    const first = new LayerSummary('t', [C, H, W], { k: 2, rank: 'mean' });
    const second = new LayerSummary('t', [C, H, W], { k: 2, rank: 'mean' });
    batches.forEach((data, b) => {
      whole.add({ data, shape: [N, C, H, W] }, images[b]);
      (b < 17 ? first : second).add({ data, shape: [N, C, H, W] }, images[b]);
    });
    expectLikeReference(whole, reference(batches, images, [C, H, W], 2, 'mean'), 40 * N * H * W);
    second.merge(first);
    expect(second.toJSON().sums).toEqual(whole.toJSON().sums);
  });

  it('refuses NaN and infinite activations, naming the layer', () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const data = activations(3);
      data[7] = bad;
      const summary = new LayerSummary('conv3', [C, H, W], { k: 2, rank: 'mean' });
      expect(() => summary.add({ data, shape: [N, C, H, W] }, [0, 1, 2, 3, 4, 5])).toThrow(/Layer "conv3".*(NaN|infinite)/);
    }
  });
});
