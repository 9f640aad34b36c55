import { describe, expect, it } from 'vitest';
import { kMeans } from '../../src/dataset/k-means.js';
import { clusterAffinity, eigengapClusters, knnAffinity, spectralClustering } from '../../src/dataset/spectral-clustering.js';
import { ConvlensError } from '../../src/errors.js';
import { seededUint32 } from '../../src/numeric/seeded-random.js';

const uniform = (seed: number) => { const next = seededUint32(seed); return () => next() / 2 ** 32; };

/** A block affinity: strong random weights inside each block, weak ones between blocks. */
function blocks(sizes: number[], seed: number): { w: Float64Array; truth: number[] } {
  const truth = sizes.flatMap((s, b) => new Array<number>(s).fill(b));
  const n = truth.length;
  const rand = uniform(seed);
  const w = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = truth[i] === truth[j] ? 0.5 + 0.5 * rand() : 0.02 * rand();
      w[i * n + j] = v;
      w[j * n + i] = v;
    }
  }
  return { w, truth };
}

/** Gaussian blobs of the given sizes around well separated centres, in shuffled order. */
function blobs(sizes: number[], dims: number, seed: number): { points: Float64Array; truth: number[] } {
  const rand = uniform(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const truth = sizes.flatMap((s, b) => new Array<number>(s).fill(b));
  for (let i = truth.length - 1; i > 0; i--) { const j = Math.floor(rand() * (i + 1)); [truth[i], truth[j]] = [truth[j], truth[i]]; }
  const centres = sizes.map(() => Array.from({ length: dims }, () => 12 * rand()));
  const points = new Float64Array(truth.length * dims);
  truth.forEach((b, i) => { for (let c = 0; c < dims; c++) points[i * dims + c] = centres[b][c] + 0.3 * normal(); });
  return { points, truth };
}

describe('spectral clustering', () => {
  it('recovers the blocks of a block affinity and the eigengap counts them', () => {
    const { w, truth } = blocks([20, 12, 8], 3);
    const result = clusterAffinity(w, { seed: 1 });
    // Blocks are numbered by size, largest first, as the clusters are.
    expect(Array.from(result.assignments)).toEqual(truth);
    expect(result.sizes).toEqual([20, 12, 8]);
    expect(eigengapClusters(result.eigenvalues, 10)).toBe(3);
    expect(result.eigenvalues[3] - result.eigenvalues[2]).toBeCloseTo(result.eigengap, 12);
  });

  it('finds the normalized Laplacian eigenvalues of a complete graph: 0 once, then n/(n-1)', () => {
    const n = 7;
    const w = Float64Array.from({ length: n * n }, (_, i) => (Math.floor(i / n) === i % n ? 0 : 1));
    const { eigenvalues } = clusterAffinity(w, { maxClusters: 4 });
    expect(eigenvalues[0]).toBeCloseTo(0, 10);
    for (const v of eigenvalues.slice(1)) expect(v).toBeCloseTo(n / (n - 1), 10);
  });

  it('gives as many zero eigenvalues as disconnected components', () => {
    const { w } = blocks([6, 5, 4, 3], 9);
    // Cut every edge between blocks.
    const truth = [6, 5, 4, 3].flatMap((s, b) => new Array<number>(s).fill(b));
    const n = truth.length;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (truth[i] !== truth[j]) w[i * n + j] = 0;
    const result = clusterAffinity(w, { maxClusters: 8 });
    expect(result.eigenvalues.slice(0, 4).every((v) => Math.abs(v) < 1e-10)).toBe(true);
    expect(result.eigenvalues[4]).toBeGreaterThan(0.5);
    expect(result.sizes).toEqual([6, 5, 4, 3]);
  });

  it('recovers Gaussian blobs from points through the k-nearest-neighbour graph', () => {
    const { points, truth } = blobs([40, 25, 15], 6, 5);
    const result = spectralClustering(points, 6, { seed: 2 });
    expect(result.sizes).toEqual([40, 25, 15]);
    expect(Array.from(result.assignments)).toEqual(truth);
  });

  it('finds a tight group beside a continuum: two clusters, not as many as allowed', () => {
    // 200 points spread evenly over a square, and 30 in a tight group just beside it.
    const rand = uniform(13);
    const truth = [...new Array<number>(200).fill(0), ...new Array<number>(30).fill(1)];
    const points = Float64Array.from(truth.flatMap((t) => (t === 0 ? [10 * rand(), 10 * rand()] : [11.5 + 0.3 * rand(), 5 + 0.3 * rand()])));
    const result = spectralClustering(points, 2, { seed: 1, maxClusters: 10 });
    // The plain eigengap drifts to the largest count here, since a continuum's eigenvalues keep growing.
    const gaps = result.eigenvalues.slice(1).map((v, k) => v - result.eigenvalues[k]);
    expect(gaps.indexOf(Math.max(...gaps)) + 1).toBeGreaterThan(2);
    expect(result.sizes).toEqual([200, 30]);
    expect(Array.from(result.assignments)).toEqual(truth);
  });

  it('joins mutual and one-sided neighbours with the locally scaled Gaussian weight', () => {
    const points = Float64Array.from([0, 1, 3, 10]);
    const w = knnAffinity(points, 1, 1);
    // σ: distance to the nearest other point; 0-1 (σ 1, 1), 1-0 too, 3 -> 1 (σ3 = 2), 10 -> 3 (σ = 7).
    expect(w[0 * 4 + 1]).toBeCloseTo(Math.exp(-1 / (1 * 1)), 12);
    expect(w[2 * 4 + 1]).toBeCloseTo(Math.exp(-4 / (2 * 1)), 12);
    expect(w[3 * 4 + 2]).toBeCloseTo(Math.exp(-49 / (7 * 2)), 12);
    expect(w[0 * 4 + 2]).toBe(0);
    expect(w[0 * 4 + 3]).toBe(0);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expect(w[i * 4 + j]).toBe(w[j * 4 + i]);
  });

  it('same points and seed give the same clusters; the seed reaches k-means', () => {
    const { points } = blobs([30, 30, 30, 30], 3, 11);
    const a = spectralClustering(points, 3, { seed: 4, clusters: 6 });
    const b = spectralClustering(points, 3, { seed: 4, clusters: 6 });
    expect(Array.from(a.assignments)).toEqual(Array.from(b.assignments));
    expect(a.eigenvalues).toEqual(b.eigenvalues);
  });

  it('rejects bad input with clear errors', () => {
    expect(() => spectralClustering(new Float64Array(2), 1)).toThrow(/at least 3 points/);
    expect(() => spectralClustering(Float64Array.from([0, 1, NaN, 2]), 1)).toThrow(ConvlensError);
    expect(() => spectralClustering(Float64Array.from([0, 1, 2, 3]), 1, { neighbours: 4 })).toThrow(/neighbours must be/);
    expect(() => spectralClustering(Float64Array.from([0, 1, 2, 3]), 1, { clusters: 4 })).toThrow(/clusters must be/);
    expect(() => clusterAffinity(new Float64Array(6))).toThrow(/square affinity/);
    expect(() => clusterAffinity(Float64Array.from([0, -1, -1, 0]))).toThrow(/negative/);
    expect(() => eigengapClusters([0, 1], 2)).toThrow(/needs 3 eigenvalues/);
  });
});

describe('k-means', () => {
  it('reaches the best partition that brute force finds on a small set', () => {
    const rand = uniform(21);
    const rows = Float64Array.from({ length: 10 * 2 }, () => rand());
    const n = 10;
    let best = Infinity;
    // Every split into two non-empty groups (point 0 always in group 0).
    for (let mask = 1; mask < 2 ** (n - 1); mask++) {
      const group = (i: number) => (i === 0 ? 0 : (mask >> (i - 1)) & 1);
      let cost = 0;
      for (const g of [0, 1]) {
        const members = Array.from({ length: n }, (_, i) => i).filter((i) => group(i) === g);
        for (let c = 0; c < 2; c++) {
          const mean = members.reduce((s, i) => s + rows[i * 2 + c], 0) / members.length;
          cost += members.reduce((s, i) => s + (rows[i * 2 + c] - mean) ** 2, 0);
        }
      }
      best = Math.min(best, cost);
    }
    expect(kMeans(rows, 2, 2, { seed: 3, restarts: 20 }).inertia).toBeCloseTo(best, 10);
  });

  it('rejects a cluster count the rows cannot hold', () => {
    expect(() => kMeans(new Float64Array(4), 2, 3)).toThrow(/from 1 to the 2 rows/);
  });
});
