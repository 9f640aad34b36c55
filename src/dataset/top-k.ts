/**
 * Bounded top-K: the K best entries seen so far in a binary heap whose root is the worst
 * kept one, so a stream of any length needs O(K) memory. Ties break on the image index
 * (lower first), which makes the kept set independent of arrival order: merging shards in
 * any order gives the same K entries as one pass.
 */
import { ConvlensError } from '../errors.js';

/** One kept image for a channel: its score and where in the layer the channel peaked. */
export interface TopEntry {
  image: number;
  score: number;
  /** Position of the channel's largest value in this image (the unit whose field is cropped). */
  y: number;
  x: number;
}

/** Whether `a` ranks below `b`. */
const worse = (a: TopEntry, b: TopEntry) => a.score < b.score || (a.score === b.score && a.image > b.image);

export const MAX_TOP_K = 100;

export class TopK {
  private readonly heap: TopEntry[] = [];

  constructor(readonly k: number) {
    if (!Number.isInteger(k) || k < 1 || k > MAX_TOP_K) {
      throw new ConvlensError('BAD_OPTION', `Top-K needs K between 1 and ${MAX_TOP_K}; got ${String(k)}.`);
    }
  }

  /** Offers an entry; kept when it ranks among the K best so far. */
  push(entry: TopEntry): void {
    const h = this.heap;
    if (h.length < this.k) {
      h.push(entry);
      this.up(h.length - 1);
    } else if (worse(h[0], entry)) {
      h[0] = entry;
      this.down(0);
    }
  }

  /** Whether a score could enter (a cheap test before building an entry). */
  admits(score: number): boolean {
    return this.heap.length < this.k || score >= this.heap[0].score;
  }

  /** Adds every entry of another TopK (same K). */
  merge(other: TopK): void {
    for (const e of other.heap) this.push(e);
  }

  /** Kept entries, best first. */
  sorted(): TopEntry[] {
    return [...this.heap].sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
  }

  private up(i: number): void {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!worse(h[i], h[p])) break;
      [h[i], h[p]] = [h[p], h[i]];
      i = p;
    }
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && worse(h[l], h[m])) m = l;
      if (r < h.length && worse(h[r], h[m])) m = r;
      if (m === i) return;
      [h[i], h[m]] = [h[m], h[i]];
      i = m;
    }
  }
}
