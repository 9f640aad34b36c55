/** Top-K heaps and quantile sketches against sorting, and their merges in any order. */
import { describe, expect, it } from 'vitest';
import { QuantileSketch } from '../../src/dataset/quantile-sketch.js';
import { TopK } from '../../src/dataset/top-k.js';
import { SceneRandom } from '../../src/demo/scenes/scene-random.js';

const rng = new SceneRandom(3);
// Activations of a ReLU layer and of a conv: many exact zeros, ties, negatives, a long tail.
const values = Array.from({ length: 20000 }, (_, i) => (i % 7 === 0 ? 0 : i % 11 === 0 ? 1.5 : (rng.next() - 0.3) * Math.exp(3 * rng.next())));

describe('QuantileSketch', () => {
  it('returns every quantile within its relative error of the sorted value', () => {
    const sketch = new QuantileSketch(0.005);
    for (const v of values) sketch.add(v);
    const sorted = [...values].sort((a, b) => a - b);
    for (const q of [0, 0.01, 0.1, 0.3, 0.5, 0.9, 0.995, 0.999, 1]) {
      const truth = sorted[Math.floor(q * (sorted.length - 1))];
      expect(Math.abs(sketch.quantile(q) - truth), `q ${q}`).toBeLessThanOrEqual(0.005 * Math.abs(truth) + 1e-9);
    }
  });

  it('refuses NaN and infinite values without allocating for them, and stays as it was', () => {
    for (const bad of [Infinity, -Infinity, NaN]) {
      const sketch = new QuantileSketch();
      for (const v of values.slice(0, 1000)) sketch.add(v);
      const before = sketch.toJSON();
      expect(() => sketch.add(bad)).toThrow(expect.objectContaining({ code: 'RUNTIME', message: expect.stringMatching(/activation is (-?Infinity|NaN)/) }));
      expect(sketch.toJSON()).toEqual(before);
    }
    // The largest float32 values key into finite buckets and are counted.
    const sketch = new QuantileSketch();
    sketch.add(3.4e38);
    sketch.add(-3.4e38);
    expect(sketch.quantile(1) / 3.4e38).toBeCloseTo(1, 2);
    expect(sketch.quantile(0) / -3.4e38).toBeCloseTo(1, 2);
  });

  it('merges shards in any order into the one-pass sketch', () => {
    const whole = new QuantileSketch();
    for (const v of values) whole.add(v);
    const shards = [values.slice(0, 5000), values.slice(5000, 12000), values.slice(12000)].map((part) => {
      const s = new QuantileSketch();
      for (const v of part) s.add(v);
      return s;
    });
    for (const order of [[0, 1, 2], [2, 0, 1], [1, 2, 0]]) {
      const merged = new QuantileSketch();
      for (const i of order) merged.merge(shards[i]);
      expect(merged.toJSON()).toEqual(whole.toJSON());
    }
  });
});

describe('TopK', () => {
  const entries = values.map((score, image) => ({ image, score, y: image % 5, x: image % 3 }));
  const truth = [...entries].sort((a, b) => b.score - a.score || a.image - b.image);

  it('keeps exactly the K best, ties broken by the lower image index', () => {
    for (const k of [1, 9, 100]) {
      const top = new TopK(k);
      for (const e of entries) top.push(e);
      expect(top.sorted()).toEqual(truth.slice(0, k));
    }
  });

  it('merges shards in any order into the one-pass result', () => {
    const shard = (from: number, to: number) => {
      const t = new TopK(25);
      for (const e of entries.slice(from, to).reverse()) t.push(e);
      return t;
    };
    const shards = [shard(0, 700), shard(700, 15000), shard(15000, 20000)];
    for (const order of [[0, 1, 2], [2, 1, 0]]) {
      const merged = new TopK(25);
      for (const i of order) merged.merge(shards[i]);
      expect(merged.sorted()).toEqual(truth.slice(0, 25));
    }
  });

  it('rejects K outside 1..100', () => {
    expect(() => new TopK(101)).toThrow(/between 1 and 100/);
  });
});
