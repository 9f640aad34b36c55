/**
 * Barnes-Hut t-SNE against references: the exact gradient (theta 0) against finite
 * differences of the KL cost, the Barnes-Hut gradient against the exact one, clusters that
 * are far apart in feature space kept apart, and the same bytes from the same seed.
 */
import { describe, expect, it } from 'vitest';
import { classPurity } from '../../src/dataset/embedding.js';
import { tsne, tsneAffinities, tsneGradient, type Affinities } from '../../src/dataset/tsne.js';
import { seededNormal } from '../../src/numeric/seeded-random.js';

function clusters(n: number, dims: number, seed: number): { values: Float64Array; labels: number[] } {
  const normal = seededNormal(seed);
  const labels = Array.from({ length: n }, (_, i) => i % 3);
  const values = Float64Array.from({ length: n * dims }, (_, k) => normal() + (Math.floor(k / dims) % 3 === k % dims ? 12 : 0));
  return { values, labels };
}

/** KL(P‖Q) of a layout, straight from the definition. */
function cost(P: Affinities, Y: Float64Array): number {
  const n = P.length;
  let Z = 0;
  const q = (i: number, j: number) => 1 / (1 + (Y[i * 2] - Y[j * 2]) ** 2 + (Y[i * 2 + 1] - Y[j * 2 + 1]) ** 2);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) Z += q(i, j);
  let kl = 0;
  P.forEach((row, i) => row.forEach((p, j) => { kl += p * Math.log(p / (q(i, j) / Z)); }));
  return kl;
}

describe('Barnes-Hut t-SNE', () => {
  const { values } = clusters(30, 4, 3);
  const P = tsneAffinities(values, 4, 5);
  const normal = seededNormal(8);
  const Y = Float64Array.from({ length: 60 }, () => normal() * 3);

  it('builds symmetric affinities that sum to 1', () => {
    let total = 0;
    P.forEach((row, i) => row.forEach((p, j) => { total += p; expect(P[j].get(i)).toBeCloseTo(p, 15); }));
    expect(total).toBeCloseTo(1, 12);
  });

  it('has the exact gradient of the KL cost at theta 0 (finite differences)', () => {
    const grad = tsneGradient(P, Y, 0);
    const h = 1e-5;
    for (const k of [0, 1, 17, 42, 59]) {
      const plus = Float64Array.from(Y); plus[k] += h;
      const minus = Float64Array.from(Y); minus[k] -= h;
      expect(grad[k]).toBeCloseTo((cost(P, plus) - cost(P, minus)) / (2 * h), 6);
    }
  });

  it('approximates the exact gradient with Barnes-Hut', () => {
    const big = clusters(400, 5, 4);
    const Pb = tsneAffinities(big.values, 5, 20);
    const nb = seededNormal(2);
    const Yb = Float64Array.from({ length: 800 }, () => nb() * 10);
    const exact = tsneGradient(Pb, Yb, 0);
    const approx = tsneGradient(Pb, Yb, 0.5);
    const err = Math.hypot(...exact.map((v, k) => v - approx[k])) / Math.hypot(...exact);
    expect(err).toBeLessThan(0.05);
    expect(err).toBeGreaterThan(0);
  });

  it('keeps far-apart clusters apart and repeats with its seed', () => {
    const data = clusters(150, 6, 5);
    const a = tsne(data.values, 6, { seed: 3, iterations: 400 });
    expect(classPurity(a, data.labels)).toBeGreaterThan(0.98);
    const b = tsne(data.values, 6, { seed: 3, iterations: 400 });
    expect(Buffer.from(b.buffer)).toEqual(Buffer.from(a.buffer));
    expect(() => tsne(data.values, 6, { perplexity: 100 })).toThrow(/perplexity/);
  }, 60_000);
});
