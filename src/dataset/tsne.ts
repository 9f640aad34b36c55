/**
 * Barnes-Hut t-SNE (van der Maaten, 2014): input affinities from each point's 3·perplexity
 * nearest neighbours, and the layout's repulsion summarized by a quadtree, so that 10k points
 * take seconds per hundred iterations instead of the exact method's O(N²).
 */
import { ConvlensError } from '../errors.js';
import { seededNormal } from '../numeric/seeded-random.js';
import { nearestNeighbours } from './neighbours.js';

export interface TsneOptions {
  /** Effective number of neighbours; default 30 (less when there are few points). */
  perplexity?: number;
  /** Barnes-Hut accuracy: 0 is exact, larger is faster and coarser; default 0.5. */
  theta?: number;
  /** Gradient steps; default 1000 (the first 250 with early exaggeration). */
  iterations?: number;
  /** Seed of the initial layout; default 1. */
  seed?: number;
}

/** Symmetric input affinities as sparse rows: `P[i]` maps a neighbour to p_ij; all entries sum to 1. */
export type Affinities = Map<number, number>[];

/** Conditional affinities of one point with the Gaussian width whose perplexity is `perplexity`. */
function calibrate(d2: number[], perplexity: number): number[] {
  const target = Math.log(perplexity);
  let beta = 1;
  let lo = 0;
  let hi = Infinity;
  const min = Math.min(...d2);
  let p = d2.map(() => 0);
  for (let step = 0; step < 200; step++) {
    // Distances shifted by their minimum: the same distribution, no underflow to all zeros.
    p = d2.map((d) => Math.exp(-beta * (d - min)));
    const sum = p.reduce((a, b) => a + b, 0);
    const entropy = Math.log(sum) + beta * p.reduce((a, v, j) => a + v * (d2[j] - min), 0) / sum;
    p = p.map((v) => v / sum);
    if (Math.abs(entropy - target) < 1e-6) break;
    if (entropy > target) { lo = beta; beta = hi === Infinity ? beta * 2 : (beta + hi) / 2; } else { hi = beta; beta = (beta + lo) / 2; }
  }
  return p;
}

/**
 * The symmetric affinities t-SNE fits: Gaussian conditionals over each point's
 * `min(n - 1, 3·perplexity)` nearest neighbours (brute force), symmetrized and normalized.
 */
export function tsneAffinities(values: Float64Array, dims: number, perplexity: number): Affinities {
  const n = values.length / dims;
  const k = Math.min(n - 1, Math.floor(3 * perplexity));
  const neighbours = nearestNeighbours(values, dims, k);
  const P: Affinities = Array.from({ length: n }, () => new Map<number, number>());
  neighbours.forEach((row, i) => {
    const d2 = row.map((j) => { let s = 0; for (let c = 0; c < dims; c++) { const e = values[i * dims + c] - values[j * dims + c]; s += e * e; } return s; });
    calibrate(d2, perplexity).forEach((p, m) => {
      const j = row[m];
      const add = p / (2 * n);
      P[i].set(j, (P[i].get(j) ?? 0) + add);
      P[j].set(i, (P[j].get(i) ?? 0) + add);
    });
  });
  return P;
}

interface Cell { x: number; y: number; half: number; count: number; sx: number; sy: number; points: number[] | null; children: Cell[] | null }

const newCell = (x: number, y: number, half: number): Cell => ({ x, y, half, count: 0, sx: 0, sy: 0, points: [], children: null });

function insert(cell: Cell, Y: Float64Array, i: number, depth: number): void {
  cell.count++;
  cell.sx += Y[i * 2];
  cell.sy += Y[i * 2 + 1];
  // Leaves hold one point; coincident points (or a very deep tree) share a leaf.
  if (cell.points && (cell.points.length === 0 || depth > 40)) { cell.points.push(i); return; }
  if (cell.points) {
    const h = cell.half / 2;
    cell.children = [newCell(cell.x - h, cell.y - h, h), newCell(cell.x + h, cell.y - h, h), newCell(cell.x - h, cell.y + h, h), newCell(cell.x + h, cell.y + h, h)];
    const old = cell.points;
    cell.points = null;
    for (const j of old) insert(cell.children[quadrant(cell, Y, j)], Y, j, depth + 1);
  }
  insert(cell.children![quadrant(cell, Y, i)], Y, i, depth + 1);
}

const quadrant = (cell: Cell, Y: Float64Array, i: number) => (Y[i * 2] >= cell.x ? 1 : 0) + (Y[i * 2 + 1] >= cell.y ? 2 : 0);

/** Adds cell's repulsion on point i (unnormalized q²·(y_i - y_j)) to `force` and returns its share of Z. */
function repel(cell: Cell, Y: Float64Array, i: number, theta: number, force: [number, number]): number {
  if (cell.count === 0) return 0;
  const xi = Y[i * 2];
  const yi = Y[i * 2 + 1];
  if (cell.points) {
    let z = 0;
    for (const j of cell.points) {
      if (j === i) continue;
      const dx = xi - Y[j * 2];
      const dy = yi - Y[j * 2 + 1];
      const q = 1 / (1 + dx * dx + dy * dy);
      z += q;
      force[0] += q * q * dx;
      force[1] += q * q * dy;
    }
    return z;
  }
  const dx = xi - cell.sx / cell.count;
  const dy = yi - cell.sy / cell.count;
  const d2 = dx * dx + dy * dy;
  const width = 2 * cell.half;
  if (d2 > 0 && width * width < theta * theta * d2) {
    const q = 1 / (1 + d2);
    force[0] += cell.count * q * q * dx;
    force[1] += cell.count * q * q * dy;
    return cell.count * q;
  }
  return cell.children!.reduce((z, c) => z + repel(c, Y, i, theta, force), 0);
}

/**
 * The gradient of KL(P‖Q) with respect to the layout `Y` (`n * 2` values), the affinities
 * multiplied by `exaggeration`, the repulsion by Barnes-Hut with accuracy `theta` (0: exact).
 */
export function tsneGradient(P: Affinities, Y: Float64Array, theta: number, exaggeration = 1): Float64Array {
  const n = P.length;
  let [x0, x1, y0, y1] = [Infinity, -Infinity, Infinity, -Infinity];
  for (let i = 0; i < n; i++) {
    x0 = Math.min(x0, Y[i * 2]); x1 = Math.max(x1, Y[i * 2]);
    y0 = Math.min(y0, Y[i * 2 + 1]); y1 = Math.max(y1, Y[i * 2 + 1]);
  }
  const root = newCell((x0 + x1) / 2, (y0 + y1) / 2, Math.max(x1 - x0, y1 - y0, 1e-9) / 2 + 1e-9);
  for (let i = 0; i < n; i++) insert(root, Y, i, 0);
  const rep = new Float64Array(n * 2);
  let Z = 0;
  for (let i = 0; i < n; i++) {
    const force: [number, number] = [0, 0];
    Z += repel(root, Y, i, theta, force);
    rep[i * 2] = force[0];
    rep[i * 2 + 1] = force[1];
  }
  const grad = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    let ax = 0;
    let ay = 0;
    for (const [j, p] of P[i]) {
      const dx = Y[i * 2] - Y[j * 2];
      const dy = Y[i * 2 + 1] - Y[j * 2 + 1];
      const q = 1 / (1 + dx * dx + dy * dy);
      ax += exaggeration * p * q * dx;
      ay += exaggeration * p * q * dy;
    }
    grad[i * 2] = 4 * (ax - rep[i * 2] / Z);
    grad[i * 2 + 1] = 4 * (ay - rep[i * 2 + 1] / Z);
  }
  return grad;
}

/**
 * Lays out feature rows in 2-D by Barnes-Hut t-SNE; returns `n * 2` coordinates. Same
 * features and seed, same bytes.
 *
 * @example
 * const xy = tsne(features.values, features.dims, { perplexity: 30, seed: 2 });
 */
export function tsne(values: Float64Array, dims: number, options: TsneOptions = {}): Float64Array {
  const n = values.length / dims;
  const perplexity = options.perplexity ?? Math.min(30, (n - 1) / 3);
  if (!(perplexity > 0 && perplexity <= (n - 1) / 3 + 1e-9)) {
    throw new ConvlensError('BAD_OPTION', `t-SNE's perplexity must be positive and at most (points - 1) / 3 = ${((n - 1) / 3).toFixed(1)}; got ${perplexity}.`);
  }
  const theta = options.theta ?? 0.5;
  const iterations = options.iterations ?? 1000;
  const P = tsneAffinities(values, dims, perplexity);
  const normal = seededNormal(options.seed ?? 1);
  const Y = Float64Array.from({ length: n * 2 }, () => normal() * 1e-4);
  const update = new Float64Array(n * 2);
  const gains = new Float64Array(n * 2).fill(1);
  const exaggerated = Math.min(250, iterations);
  // The learning rate grows with n so that large sets converge in the usual step count.
  const rate = Math.max(200, n / 12);
  for (let it = 0; it < iterations; it++) {
    const grad = tsneGradient(P, Y, theta, it < exaggerated ? 12 : 1);
    const momentum = it < exaggerated ? 0.5 : 0.8;
    for (let k = 0; k < n * 2; k++) {
      gains[k] = Math.sign(grad[k]) !== Math.sign(update[k]) ? gains[k] + 0.2 : Math.max(0.01, gains[k] * 0.8);
      update[k] = momentum * update[k] - rate * gains[k] * grad[k];
      Y[k] += update[k];
    }
    let mx = 0;
    let my = 0;
    for (let i = 0; i < n; i++) { mx += Y[i * 2]; my += Y[i * 2 + 1]; }
    for (let i = 0; i < n; i++) { Y[i * 2] -= mx / n; Y[i * 2 + 1] -= my / n; }
  }
  return Y;
}
