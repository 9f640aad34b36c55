/**
 * The embedding's arithmetic against independent references: PCA scores against power
 * iteration on the covariance matrix, the neighbour scores against hand-built layouts.
 */
import { describe, expect, it } from 'vitest';
import { classPurity, embedFeatures, featureSpace, nearestNeighbours, neighbourPreservation, pcaScores } from '../../src/dataset/embedding.js';
import { seededUint32 } from '../../src/numeric/seeded-random.js';

function randomRows(n: number, dims: number, seed: number): number[][] {
  const next = seededUint32(seed);
  // Unequal spreads per column so the components are well separated.
  return Array.from({ length: n }, () => Array.from({ length: dims }, (_, c) => (next() / 2 ** 32 - 0.5) * (dims - c) + c));
}

/** Leading eigenvectors of the covariance by power iteration with deflation. */
function powerComponents(rows: number[][], k: number): number[][] {
  const n = rows.length;
  const d = rows[0].length;
  const mean = Array.from({ length: d }, (_, c) => rows.reduce((s, r) => s + r[c], 0) / n);
  const cov = Array.from({ length: d }, (_, a) => Array.from({ length: d }, (_, b) => rows.reduce((s, r) => s + (r[a] - mean[a]) * (r[b] - mean[b]), 0) / (n - 1)));
  const vectors: number[][] = [];
  for (let i = 0; i < k; i++) {
    let v = Array.from({ length: d }, (_, c) => 1 + c * 0.1);
    for (let it = 0; it < 2000; it++) {
      const w = cov.map((row) => row.reduce((s, x, j) => s + x * v[j], 0));
      for (const u of vectors) { const p = w.reduce((s, x, j) => s + x * u[j], 0); u.forEach((x, j) => { w[j] -= p * x; }); }
      const norm = Math.hypot(...w);
      v = w.map((x) => x / norm);
    }
    vectors.push(v);
  }
  return vectors.map((v) => rows.map((r) => r.reduce((s, x, j) => s + (x - mean[j]) * v[j], 0)));
}

describe('pcaScores', () => {
  it('equals the projection on the covariance eigenvectors found by power iteration', () => {
    const rows = randomRows(40, 6, 3);
    const scores = pcaScores(rows, 3);
    const reference = powerComponents(rows, 3);
    for (let c = 0; c < 3; c++) {
      const sign = Math.sign(reference[c][0]) * Math.sign(scores[0][c]);
      rows.forEach((_, i) => expect(scores[i][c]).toBeCloseTo(sign * reference[c][i], 6));
    }
  });

  it('is the PCA embedding', () => {
    const rows = randomRows(30, 5, 8);
    const xy = embedFeatures(Float64Array.from(rows.flat()), 5, { method: 'pca', distance: 'euclidean' });
    const scores = pcaScores(rows, 2);
    rows.forEach((_, i) => { expect(xy[i * 2]).toBe(scores[i][0]); expect(xy[i * 2 + 1]).toBe(scores[i][1]); });
  });

  it('compares by direction by default: rows scaled to unit length, then PCA', () => {
    const rows = randomRows(30, 5, 9);
    const unit = rows.map((r) => { const norm = Math.hypot(...r); return r.map((v) => v / norm); });
    const xy = embedFeatures(Float64Array.from(rows.flat()), 5, { method: 'pca' });
    const scores = pcaScores(unit, 2);
    rows.forEach((_, i) => { expect(xy[i * 2]).toBeCloseTo(scores[i][0], 12); expect(xy[i * 2 + 1]).toBeCloseTo(scores[i][1], 12); });
    // Scaling a row does not move it.
    const scaled = Float64Array.from(rows.flatMap((r, i) => r.map((v) => v * (1 + i))));
    const again = embedFeatures(scaled, 5, { method: 'pca' });
    again.forEach((v, k) => expect(v).toBeCloseTo(xy[k], 10));
    featureSpace(Float64Array.from([3, 4, 0, 0]), 2).forEach((v, k) => expect(v).toBeCloseTo([0.6, 0.8, 0, 0][k], 15));
    expect(() => featureSpace(Float64Array.from([1, 2]), 2, 'manhattan' as 'cosine')).toThrow(/"cosine" or "euclidean"/);
  });
});

describe('neighbour scores', () => {
  it('finds nearest neighbours on a line', () => {
    const line = Float64Array.from([0, 1, 3, 7, 15]);
    expect(nearestNeighbours(line, 1, 2)).toEqual([[1, 2], [0, 2], [1, 0], [2, 1], [3, 2]]);
  });

  it('scores a layout that keeps every neighbourhood 1 and a scrambled one lower', () => {
    const next = seededUint32(5);
    const n = 60;
    const features = Float64Array.from({ length: n * 3 }, () => next() / 2 ** 32);
    // A 2-D layout that is a scaled copy of a 2-D feature set keeps all neighbourhoods.
    const planar = Float64Array.from({ length: n * 2 }, (_, i) => features[Math.floor(i / 2) * 3 + (i % 2)]);
    expect(neighbourPreservation(planar, 2, planar.map((v) => v * 3), 10)).toBe(1);
    const scrambled = Float64Array.from({ length: n * 2 }, (_, i) => planar[((Math.floor(i / 2) * 17) % n) * 2 + (i % 2)]);
    expect(neighbourPreservation(planar, 2, scrambled, 10)).toBeLessThan(0.5);
  });

  it('counts same-label neighbours', () => {
    // Two tight groups far apart: every neighbour within k=2 shares the label.
    const xy = Float64Array.from([0, 0, 0, 1, 1, 0, 100, 100, 100, 101, 101, 100]);
    expect(classPurity(xy, [0, 0, 0, 1, 1, 1], 2)).toBe(1);
    expect(classPurity(xy, [0, 1, 0, 1, 0, 1], 2)).toBeCloseTo((1 / 2 + 0 + 1 / 2 + 1 / 2 + 0 + 1 / 2) / 6, 12);
  });
});
