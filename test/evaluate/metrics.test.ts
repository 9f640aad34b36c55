/**
 * Every metric against an implementation written here, on a hand-set model that reads one
 * 3 x 3 region (test/evaluate/region-model.ts): curves from the weights by plain arithmetic,
 * the imputation by dense Gaussian elimination, the blur by a direct 2-D convolution, the
 * pointing game by brute-force distances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { confidenceChange } from '../../src/evaluate/confidence.js';
import { deletionCurves, insertionCurves, trapezoidArea } from '../../src/evaluate/deletion-insertion.js';
import { noisyLinearImputation } from '../../src/evaluate/imputation.js';
import { localization } from '../../src/evaluate/localization.js';
import { spearman } from '../../src/evaluate/rank-correlation.js';
import { roadCurves } from '../../src/evaluate/road.js';
import type { Box } from '../../src/image/mask.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { forward } from '../../src/methods/passes.js';
import { seededNormal } from '../../src/numeric/seeded-random.js';
import { C, H, W, inRegion, plane, probability, regionModel, weight } from './region-model.js';

function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

const N = 2;
const rand = uniform(11);
const x: FloatTensor = { data: Float32Array.from({ length: N * C * plane }, () => 0.5 + rand()), shape: [N, C, H, W] };
const item = (n: number) => x.data.subarray(n * C * plane, (n + 1) * C * plane);
/** The perfect map: each pixel's contribution to the logit. */
const perfect: FloatTensor = { data: new Float32Array(N * plane), shape: [N, H, W] };
for (let n = 0; n < N; n++) for (let p = 0; p < plane; p++) for (let c = 0; c < C; c++) perfect.data[n * plane + p] += weight(c, p) * item(n)[c * plane + p];
const randomMap = (seed: number): FloatTensor => {
  const r = uniform(seed);
  return { data: Float32Array.from({ length: N * plane }, () => r()), shape: [N, H, W] };
};

/** Most relevant first, ties by index. */
function order(map: Float32Array): number[] {
  return Array.from(map, (v, i) => [v, i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, i]) => i);
}

/** The RISE game computed directly: 8 steps of 8 pixels on 8 x 8. */
function referenceCurve(n: number, map: Float32Array, start: Float32Array, finish: (c: number, p: number) => number): number[] {
  const o = order(map);
  return Array.from({ length: 9 }, (_, s) => {
    const img = Float32Array.from(start);
    for (const p of o.slice(0, s * 8)) for (let c = 0; c < C; c++) img[c * plane + p] = finish(c, p);
    return probability(img);
  });
}

/** Zero-padded 11 x 11 Gaussian (sigma 5, normalized) as a direct 2-D convolution. */
function blurDirect(img: Float32Array): Float32Array {
  const k = (d: number) => Math.exp(-(d * d) / 50);
  let total = 0;
  for (let dy = -5; dy <= 5; dy++) for (let dx = -5; dx <= 5; dx++) total += k(dy) * k(dx);
  const out = new Float32Array(img.length);
  for (let c = 0; c < C; c++) {
    for (let y = 0; y < H; y++) {
      for (let xx = 0; xx < W; xx++) {
        let s = 0;
        for (let dy = -5; dy <= 5; dy++) for (let dx = -5; dx <= 5; dx++) {
          const yy = y + dy;
          const x2 = xx + dx;
          if (yy >= 0 && yy < H && x2 >= 0 && x2 < W) s += k(dy) * k(dx) * img[c * plane + yy * W + x2];
        }
        out[c * plane + y * W + xx] = s / total;
      }
    }
  }
  return out;
}

/** Linear imputation by dense Gaussian elimination with partial pivoting. */
function imputeDense(img: Float32Array, removed: Uint8Array, h: number, w: number, channels: number): Float32Array {
  const unknown = Array.from(removed.keys()).filter((i) => removed[i]);
  const slot = new Map(unknown.map((p, u) => [p, u]));
  const out = Float32Array.from(img);
  for (let c = 0; c < channels; c++) {
    const n = unknown.length;
    const A = Array.from({ length: n }, () => new Float64Array(n + 1));
    unknown.forEach((p, u) => {
      const y = Math.floor(p / w);
      const xx = p % w;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        if ((dy === 0 && dx === 0) || y + dy < 0 || y + dy >= h || xx + dx < 0 || xx + dx >= w) continue;
        const wt = dy === 0 || dx === 0 ? 1 / 6 : 1 / 12;
        const q = (y + dy) * w + xx + dx;
        A[u][u] += wt;
        if (slot.has(q)) A[u][slot.get(q)!] -= wt;
        else A[u][n] += wt * img[c * h * w + q];
      }
    });
    for (let i = 0; i < n; i++) {
      let best = i;
      for (let r = i + 1; r < n; r++) if (Math.abs(A[r][i]) > Math.abs(A[best][i])) best = r;
      [A[i], A[best]] = [A[best], A[i]];
      for (let r = i + 1; r < n; r++) {
        const f = A[r][i] / A[i][i];
        for (let k = i; k <= n; k++) A[r][k] -= f * A[i][k];
      }
    }
    const v = new Float64Array(n);
    for (let i = n - 1; i >= 0; i--) {
      let s = A[i][n];
      for (let k = i + 1; k < n; k++) s -= A[i][k] * v[k];
      v[i] = s / A[i][i];
    }
    unknown.forEach((p, u) => { out[c * h * w + p] = v[u]; });
  }
  return out;
}

const close = (a: number[], b: number[], tol: number, what: string) => {
  expect(a.length, what).toBe(b.length);
  a.forEach((v, i) => expect(Math.abs(v - b[i]), `${what} [${i}]: ${v} vs ${b[i]}`).toBeLessThanOrEqual(tol));
};

describe('metrics on a model that reads one region', () => {
  let model: ConvlensModel;
  beforeAll(async () => { model = await regionModel(); });
  afterAll(() => model?.dispose());
  const target = 0;

  it('deletion: curves and areas match the direct computation; the perfect map has the smallest area', async () => {
    const del = await deletionCurves(model, x, perfect, { target });
    expect(del.fraction).toEqual(Array.from({ length: 9 }, (_, s) => s / 8));
    for (let n = 0; n < N; n++) {
      const ref = referenceCurve(n, perfect.data.subarray(n * plane, (n + 1) * plane), item(n), () => 0);
      close(del.scores[n], ref, 1e-6, `deletion curve ${n}`);
      expect(del.auc[n]).toBeCloseTo(ref.slice(1).reduce((s, v, i) => s + (v + ref[i]) / 16, 0), 6);
    }
    for (let seed = 1; seed <= 12; seed++) {
      const other = await deletionCurves(model, x, randomMap(seed), { target });
      for (let n = 0; n < N; n++) expect(del.auc[n]).toBeLessThanOrEqual(other.auc[n] + 1e-7);
    }
    // A map that puts the region last cannot do better than one that knows nothing.
    const inverted = { data: perfect.data.map((v) => -v), shape: perfect.shape };
    const worst = await deletionCurves(model, x, inverted, { target });
    worst.auc.forEach((a, n) => expect(a).toBeGreaterThan(del.auc[n] + 0.05));
  });

  it('insertion: start blurred with an 11 x 11 Gaussian, curves match; any batch size gives the same bytes', async () => {
    const map = randomMap(5);
    const ins = await insertionCurves(model, x, map, { target });
    for (let n = 0; n < N; n++) {
      const ref = referenceCurve(n, map.data.subarray(n * plane, (n + 1) * plane), blurDirect(item(n)), (c, p) => item(n)[c * plane + p]);
      close(ins.scores[n], ref, 1e-5, `insertion curve ${n}`);
      expect(ins.auc[n]).toBeCloseTo(trapezoidArea(ins.fraction, ref), 5);
    }
    const small = await insertionCurves(model, x, map, { target, batchSize: 3 });
    expect(small.scores).toEqual(ins.scores);
  });

  it('runs the perturbed inputs batched: one forward call per batch, plus one for the targets', async () => {
    const run = model.engine.run.bind(model.engine);
    const sizes: number[] = [];
    model.engine.run = (req) => { sizes.push(req.batched[model.inputName].shape[0]); return run(req); };
    try {
      await deletionCurves(model, x, perfect, { target });
      expect(sizes).toEqual([2, 16]);
      sizes.length = 0;
      await roadCurves(model, x, perfect, { target, batchSize: 7 });
      expect(sizes).toEqual([2, 7, 7, 7, 7, 7, 1]); // 2 images x 2 orders x 9 fractions
    } finally {
      model.engine.run = run;
    }
  });

  it('ROAD without noise: imputation by the linear system, most and least relevant first', async () => {
    const road = await roadCurves(model, x, perfect, { target, noise: 0, fractions: [0.25, 0.5, 0.75] });
    for (let n = 0; n < N; n++) {
      const o = order(perfect.data.subarray(n * plane, (n + 1) * plane));
      const at = (pixels: number[]) => {
        const removed = new Uint8Array(plane);
        for (const p of pixels) removed[p] = 1;
        return probability(imputeDense(item(n), removed, H, W, C));
      };
      close(road.morf[n], [16, 32, 48].map((k) => at(o.slice(0, k))), 1e-5, `MoRF ${n}`);
      close(road.lerf[n], [16, 32, 48].map((k) => at(o.slice(plane - k))), 1e-5, `LeRF ${n}`);
      // Removing the region first hurts; removing the unread pixels first does not.
      expect(road.morf[n][0]).toBeLessThan(road.lerf[n][0]);
    }
  });

  it('noisy linear imputation: the linear solution plus noise times the seeded normal stream, channel by channel', () => {
    const r = uniform(3);
    const h = 13;
    const w = 11;
    const img = Float32Array.from({ length: 3 * h * w }, () => r() * 2 - 1);
    const removed = Uint8Array.from({ length: h * w }, () => (r() < 0.7 ? 1 : 0));
    const exact = imputeDense(img, removed, h, w, 3);
    const plain = noisyLinearImputation(img, removed, 3, h, w, 0, () => 0);
    close(Array.from(plain), Array.from(exact), 1e-5, 'linear imputation');
    const noisy = noisyLinearImputation(img, removed, 3, h, w, 0.01, seededNormal(9));
    const normal = seededNormal(9);
    for (let c = 0; c < 3; c++) {
      for (let p = 0; p < h * w; p++) {
        const expected = removed[p] ? plain[c * h * w + p] + 0.01 * normal() : img[c * h * w + p];
        expect(Math.abs(noisy[c * h * w + p] - expected)).toBeLessThan(1e-6);
      }
    }
  });

  it('linear imputation of holes large enough for several multigrid levels', () => {
    const r = uniform(11);
    // Smooth blobs leave wide holes, where the coarse levels do the work.
    const blobs = (h: number, w: number) => Uint8Array.from({ length: h * w }, (_, p) => {
      const y = Math.floor(p / w);
      const x = p % w;
      return Math.sin(x / 5) * Math.cos(y / 7) + 0.3 * r() > -0.2 ? 1 : 0;
    });
    const [h, w] = [34, 30];
    const img = Float32Array.from({ length: 2 * h * w }, () => r() * 2 - 1);
    const removed = blobs(h, w);
    expect(removed.reduce((a, b) => a + b, 0)).toBeGreaterThan(600);
    close(Array.from(noisyLinearImputation(img, removed, 2, h, w, 0, () => 0)), Array.from(imputeDense(img, removed, h, w, 2)), 1e-5, 'two levels');

    // Too large for elimination: every filled pixel must be the weighted mean of its neighbours.
    const [H2, W2] = [150, 130];
    const big = Float32Array.from({ length: H2 * W2 }, () => r());
    const holes = blobs(H2, W2);
    const filled = noisyLinearImputation(big, holes, 1, H2, W2, 0, () => 0);
    let worst = 0;
    for (let p = 0; p < H2 * W2; p++) {
      if (!holes[p]) { expect(filled[p]).toBe(big[p]); continue; }
      const y = Math.floor(p / W2);
      const x = p % W2;
      let weights = 0;
      let mean = 0;
      for (let dy = -1; dy <= 1; dy++) for (let dx = -1; dx <= 1; dx++) {
        if ((dy === 0 && dx === 0) || y + dy < 0 || y + dy >= H2 || x + dx < 0 || x + dx >= W2) continue;
        const wt = dy === 0 || dx === 0 ? 1 / 6 : 1 / 12;
        weights += wt;
        mean += wt * filled[(y + dy) * W2 + x + dx];
      }
      worst = Math.max(worst, Math.abs(filled[p] - mean / weights));
    }
    expect(worst).toBeLessThan(1e-4);
  });

  it('ROAD with noise is reproducible with a seed and changes with another', async () => {
    const a = await roadCurves(model, x, perfect, { target, seed: 4 });
    const b = await roadCurves(model, x, perfect, { target, seed: 4, batchSize: 5 });
    const c = await roadCurves(model, x, perfect, { target, seed: 5 });
    expect(b).toEqual(a);
    expect(c.morf).not.toEqual(a.morf);
    expect(a.fraction).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  });

  it('average drop and increase in confidence: the input times the map scaled to [0, 1]', async () => {
    const maps = randomMap(8);
    const conf = await confidenceChange(model, x, maps, { target });
    for (let n = 0; n < N; n++) {
      const m = maps.data.subarray(n * plane, (n + 1) * plane);
      const lo = Math.min(...m);
      const hi = Math.max(...m);
      const masked = Float32Array.from(item(n), (v, i) => v * ((m[i % plane] - lo) / (hi - lo)));
      const y = probability(item(n));
      const o = probability(masked);
      expect(conf.original[n]).toBeCloseTo(y, 6);
      expect(conf.masked[n]).toBeCloseTo(o, 6);
      expect(conf.drop[n]).toBeCloseTo((100 * Math.max(0, y - o)) / y, 4);
      expect(conf.increase[n]).toBe(o > y ? 100 : 0);
    }
    // The perfect map keeps the region (scaled by at most 1), so the score cannot rise.
    const kept = await confidenceChange(model, x, perfect, { target });
    expect(kept.increase).toEqual([0, 0]);
  });
});

describe('pointing game and energy in box', () => {
  /** Brute force: the smallest Euclidean distance from the peak to any pixel of any box. */
  function referenceHit(map: Float32Array, boxes: Box[], tol: number): number {
    let best = 0;
    map.forEach((v, i) => { if (v > map[best]) best = i; });
    let d = Infinity;
    for (const b of boxes) for (let y = b.y; y < b.y + b.height; y++) for (let xx = b.x; xx < b.x + b.width; xx++) d = Math.min(d, Math.hypot(xx - (best % 40), y - Math.floor(best / 40)));
    return d <= tol ? 1 : 0;
  }

  it('hits within the tolerance and the positive mass inside the union of boxes', () => {
    const r = uniform(21);
    const maps = { data: Float32Array.from({ length: 6 * 40 * 40 }, () => r() * 2 - 0.5), shape: [6, 40, 40] };
    const boxes: Box[][] = Array.from({ length: 6 }, (_, n) => [
      { x: 3 * n, y: 2 + n, width: 6, height: 5 },
      ...(n % 2 ? [{ x: 25, y: 20, width: 10, height: 12 }] : []),
    ]);
    for (const tol of [0, 4, 15]) {
      const loc = localization(maps, boxes, { tolerance: tol });
      for (let n = 0; n < 6; n++) {
        const m = maps.data.subarray(n * 1600, (n + 1) * 1600);
        expect(loc.hit[n], `image ${n}, tolerance ${tol}`).toBe(referenceHit(m, boxes[n], tol));
        let total = 0;
        let inside = 0;
        m.forEach((v, i) => {
          const px = i % 40;
          const py = Math.floor(i / 40);
          total += Math.max(v, 0);
          if (boxes[n].some((b) => px >= b.x && px < b.x + b.width && py >= b.y && py < b.y + b.height)) inside += Math.max(v, 0);
        });
        expect(loc.energy[n]).toBeCloseTo(inside / total, 6);
      }
    }
  });

  it('a peak 15 pixels from the box is a hit at the default tolerance, 16 is not', () => {
    const map = new Float32Array(2 * 64 * 64);
    map[10 * 64 + 40] = 1; // 15 pixels right of a box ending at column 25
    map[4096 + 10 * 64 + 41] = 1;
    const box = { x: 20, y: 5, width: 6, height: 10 };
    expect(localization({ data: map, shape: [2, 64, 64] }, [[box], [box]]).hit).toEqual([1, 0]);
  });
});

describe('Spearman rank correlation', () => {
  it('equals 1 - 6 sum d^2 / (n (n^2 - 1)) without ties', () => {
    const r = uniform(2);
    const a = Array.from({ length: 50 }, () => r());
    const b = a.map((v) => v + 0.3 * r());
    const rank = (v: number[]) => v.map((x) => v.filter((y) => y < x).length + 1);
    const ra = rank(a);
    const rb = rank(b);
    const d2 = ra.reduce((s, v, i) => s + (v - rb[i]) ** 2, 0);
    expect(spearman(a, b)).toBeCloseTo(1 - (6 * d2) / (50 * (50 * 50 - 1)), 10);
  });

  it('gives tied values the mean of their ranks', () => {
    const a = [0, 0, 0, 1, 2, 2, 3];
    const b = [1, 0, 2, 3, 5, 4, 6];
    // Ranks by counting: (number below) + (number equal + 1) / 2.
    const rank = (v: number[]) => v.map((x) => v.filter((y) => y < x).length + (v.filter((y) => y === x).length + 1) / 2);
    const pearson = (p: number[], q: number[]) => {
      const mp = p.reduce((s, v) => s + v, 0) / p.length;
      const mq = q.reduce((s, v) => s + v, 0) / q.length;
      const cov = p.reduce((s, v, i) => s + (v - mp) * (q[i] - mq), 0);
      return cov / Math.sqrt(p.reduce((s, v) => s + (v - mp) ** 2, 0) * q.reduce((s, v) => s + (v - mq) ** 2, 0));
    };
    expect(spearman(a, b)).toBeCloseTo(pearson(rank(a), rank(b)), 12);
    expect(spearman([1, 1, 1], [1, 2, 3])).toBe(0);
  });
});

// The region model ignores pixels outside its region, checked here so the references above stand on it.
it('the region model reads its region only', async () => {
  const model = await regionModel();
  const out = await forward(model, x, ['logits']);
  for (let n = 0; n < N; n++) expect(out.logits.data[2 * n] - out.logits.data[2 * n + 1]).toBeCloseTo(Math.log(probability(item(n)) / (1 - probability(item(n)))), 4);
  expect(Array.from({ length: plane }, (_, p) => inRegion(p)).filter(Boolean).length).toBe(9);
  await model.dispose();
});
