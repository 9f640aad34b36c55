/**
 * The linear system of noisy linear imputation over the removed pixels of one mask, and a
 * multigrid hierarchy over it. Every removed pixel equals the weighted mean of its 8
 * neighbours (1/6 for the 4 direct ones, 1/12 for the diagonals; neighbours outside the image
 * are left out): a discrete Laplace equation whose conditioning worsens with the size of the
 * holes, so plain iterations slow down as the picture grows.
 */

const OFFSETS: readonly [number, number, number][] = [
  [-1, -1, 1 / 12], [-1, 0, 1 / 6], [-1, 1, 1 / 12], [0, -1, 1 / 6],
  [0, 1, 1 / 6], [1, -1, 1 / 12], [1, 0, 1 / 6], [1, 1, 1 / 12],
];

/** At or below this many unknowns a level is solved exactly, by a dense Cholesky factor. */
const COARSEST = 256;

/** The linear system over the removed pixels, in compressed rows. */
export interface ImputationSystem {
  /** Removed pixel indices, ascending. */
  unknown: Int32Array;
  /** Sum of the in-image neighbour weights of each unknown. */
  diagonal: Float64Array;
  /** Unknown neighbours: row starts, neighbour slots, weights. */
  start: Int32Array;
  slot: Int32Array;
  weight: Float64Array;
  /** Kept neighbours: row starts, pixel indices, weights. */
  keptStart: Int32Array;
  keptPixel: Int32Array;
  keptWeight: Float64Array;
}

/** One level of the hierarchy: its system and either the next coarser level or an exact factor. */
export interface Level {
  sys: ImputationSystem;
  /** For each unknown, its coarse unknown's slot, or -1 when its 2x2 block touches a kept pixel. */
  parent?: Int32Array;
  coarser?: Level;
  /** Lower Cholesky factor (row-major, n x n) of the coarsest level's matrix. */
  cholesky?: Float64Array;
}

export function buildSystem(removed: Uint8Array, H: number, W: number): ImputationSystem {
  let n = 0;
  for (let i = 0; i < removed.length; i++) n += removed[i];
  const unknown = new Int32Array(n);
  const slotOf = new Int32Array(H * W).fill(-1);
  for (let i = 0, u = 0; i < removed.length; i++) if (removed[i]) { unknown[u] = i; slotOf[i] = u++; }
  const diagonal = new Float64Array(n);
  const start = new Int32Array(n + 1);
  const keptStart = new Int32Array(n + 1);
  const slot: number[] = [];
  const weight: number[] = [];
  const keptPixel: number[] = [];
  const keptWeight: number[] = [];
  for (let u = 0; u < n; u++) {
    const y = Math.floor(unknown[u] / W);
    const x = unknown[u] % W;
    for (const [dy, dx, w] of OFFSETS) {
      if (y + dy < 0 || y + dy >= H || x + dx < 0 || x + dx >= W) continue;
      const q = (y + dy) * W + x + dx;
      diagonal[u] += w;
      if (slotOf[q] >= 0) { slot.push(slotOf[q]); weight.push(w); } else { keptPixel.push(q); keptWeight.push(w); }
    }
    start[u + 1] = slot.length;
    keptStart[u + 1] = keptPixel.length;
  }
  return {
    unknown, diagonal, start, slot: Int32Array.from(slot), weight: Float64Array.from(weight),
    keptStart, keptPixel: Int32Array.from(keptPixel), keptWeight: Float64Array.from(keptWeight),
  };
}

/** `dst = A src`. */
export function applySystem(sys: ImputationSystem, src: Float64Array, dst: Float64Array): void {
  const { diagonal, start, slot, weight } = sys;
  for (let u = 0; u < diagonal.length; u++) {
    let s = diagonal[u] * src[u];
    for (let e = start[u]; e < start[u + 1]; e++) s -= weight[e] * src[slot[e]];
    dst[u] = s;
  }
}

function denseCholesky(sys: ImputationSystem): Float64Array {
  const n = sys.diagonal.length;
  const L = new Float64Array(n * n);
  for (let u = 0; u < n; u++) {
    L[u * n + u] = sys.diagonal[u];
    for (let e = sys.start[u]; e < sys.start[u + 1]; e++) L[u * n + sys.slot[e]] -= sys.weight[e];
  }
  for (let j = 0; j < n; j++) {
    let d = L[j * n + j];
    for (let k = 0; k < j; k++) d -= L[j * n + k] * L[j * n + k];
    const root = Math.sqrt(d);
    L[j * n + j] = root;
    for (let i = j + 1; i < n; i++) {
      let s = L[i * n + j];
      for (let k = 0; k < j; k++) s -= L[i * n + k] * L[j * n + k];
      L[i * n + j] = s / root;
    }
  }
  return L;
}

/**
 * The hierarchy for a mask: each coarser level is the same equation on the half-resolution
 * grid, where a pixel is unknown only when every in-image pixel of its 2x2 block is. Summing a
 * block's residuals and copying the coarse correction back to the block are transposes of each
 * other, and the coarse stencil is the fine one at twice the spacing, so the sums are already
 * on the coarse equation's scale.
 */
export function buildHierarchy(removed: Uint8Array, H: number, W: number): Level {
  const sys = buildSystem(removed, H, W);
  const n = sys.diagonal.length;
  if (n <= COARSEST) return { sys, cholesky: denseCholesky(sys) };
  const h = Math.ceil(H / 2);
  const w = Math.ceil(W / 2);
  const coarseRemoved = new Uint8Array(h * w).fill(1);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) if (!removed[y * W + x]) coarseRemoved[(y >> 1) * w + (x >> 1)] = 0;
  const coarser = buildHierarchy(coarseRemoved, h, w);
  const coarseSlot = new Int32Array(h * w).fill(-1);
  coarser.sys.unknown.forEach((p, u) => { coarseSlot[p] = u; });
  const parent = new Int32Array(n);
  for (let u = 0; u < n; u++) {
    const p = sys.unknown[u];
    parent[u] = coarseSlot[(Math.floor(p / W) >> 1) * w + ((p % W) >> 1)];
  }
  return { sys, parent, coarser };
}

/** Symmetric Gauss-Seidel sweeps on `A e = r`, forward then backward, updating `e`. */
function gaussSeidel(sys: ImputationSystem, r: Float64Array, e: Float64Array, forward: boolean): void {
  const { diagonal, start, slot, weight } = sys;
  const n = diagonal.length;
  for (let k = 0; k < n; k++) {
    const u = forward ? k : n - 1 - k;
    let s = r[u];
    for (let i = start[u]; i < start[u + 1]; i++) s += weight[i] * e[slot[i]];
    e[u] = s / diagonal[u];
  }
}

function choleskySolve(L: Float64Array, r: Float64Array): Float64Array {
  const n = r.length;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = r[i];
    for (let k = 0; k < i; k++) s -= L[i * n + k] * y[k];
    y[i] = s / L[i * n + i];
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= L[k * n + i] * y[k];
    y[i] = s / L[i * n + i];
  }
  return y;
}

/**
 * One V-cycle from zero: an approximate `A^-1 r`. Forward sweeps before and backward sweeps
 * after the coarse correction keep it a symmetric positive operator, as conjugate gradients
 * need of a preconditioner.
 */
export function vCycle(level: Level, r: Float64Array): Float64Array {
  if (level.cholesky) return choleskySolve(level.cholesky, r);
  const { sys, parent, coarser } = level as Required<Pick<Level, 'sys' | 'parent' | 'coarser'>>;
  const n = r.length;
  const e = new Float64Array(n);
  gaussSeidel(sys, r, e, true);
  gaussSeidel(sys, r, e, true);
  const residual = new Float64Array(n);
  applySystem(sys, e, residual);
  const coarse = new Float64Array(coarser.sys.diagonal.length);
  for (let u = 0; u < n; u++) if (parent[u] >= 0) coarse[parent[u]] += r[u] - residual[u];
  const correction = vCycle(coarser, coarse);
  for (let u = 0; u < n; u++) if (parent[u] >= 0) e[u] += correction[parent[u]];
  gaussSeidel(sys, r, e, false);
  gaussSeidel(sys, r, e, false);
  return e;
}
