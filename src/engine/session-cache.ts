/**
 * Compiled sessions keyed by graph variant and input shape, under the memory budget.
 *
 * Creating a session costs far more than a run (graph optimization, weight packing), so idle
 * sessions stay cached; but each one holds its own copy of the weights and an arena as large
 * as its biggest run, so they count against the budget and the least recently used idle ones
 * are released to make room. A call leases the session it runs: a leased session is never
 * released under it, whatever other calls on the same model need at the same time.
 */
import type { InferenceSession } from 'onnxruntime-common';

export interface Lease<T> {
  session: InferenceSession;
  meta: T;
  /** Ends the lease; the session stays cached (idle) unless the cache was cleared meanwhile. */
  release(): void;
}

interface Entry<T> {
  made: Promise<{ session: InferenceSession; meta: T }>;
  /** Estimated resident bytes of the session (weights and arena). */
  bytes: number;
  leases: number;
  /** Removed from the cache while leased: released when the last lease ends. */
  doomed: boolean;
}

export class SessionCache<T> {
  // Map order is recency order: a hit moves its entry to the end.
  private readonly entries = new Map<string, Entry<T>>();

  /** `capacity` bounds the count of cached sessions whatever their size. */
  constructor(private readonly capacity = 6) {}

  /** Estimated bytes held by cached sessions, leased or idle. */
  get residentBytes(): number {
    let total = 0;
    for (const e of this.entries.values()) total += e.bytes;
    return total;
  }

  /** Sessions cached now (for tests and diagnostics). */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Leases the session for `key`, creating it with `create` when absent. Before creating,
   * idle sessions are released, least recently used first, until the new one's `bytes` fit
   * `budget` beside those that stay. Always `release()` the lease (in a `finally`).
   */
  async acquire(key: string, bytes: number, budget: number, create: () => Promise<{ session: InferenceSession; meta: T }>): Promise<Lease<T>> {
    let entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
    } else {
      this.evict(budget - bytes, this.capacity - 1);
      entry = { made: create(), bytes, leases: 0, doomed: false };
    }
    this.entries.set(key, entry);
    const leased = entry;
    leased.leases++;
    let made;
    try {
      made = await leased.made;
    } catch (e) {
      leased.leases--;
      if (this.entries.get(key) === leased) this.entries.delete(key);
      throw e;
    }
    let ended = false;
    return {
      ...made,
      release: () => {
        if (ended) return;
        ended = true;
        leased.leases--;
        if (leased.leases === 0 && leased.doomed) void releaseSession(leased);
      },
    };
  }

  /** Releases idle sessions, oldest first, until at most `bytes` and `count` stay cached. */
  private evict(bytes: number, count: number): void {
    let resident = this.residentBytes;
    for (const [key, e] of [...this.entries]) {
      if (resident <= bytes && this.entries.size <= count) return;
      if (e.leases > 0) continue;
      this.entries.delete(key);
      resident -= e.bytes;
      void releaseSession(e);
    }
  }

  /** Releases every session: idle ones now, leased ones as soon as their calls finish. */
  async clear(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    const idle = [];
    for (const e of all) {
      if (e.leases > 0) e.doomed = true;
      else idle.push(releaseSession(e));
    }
    await Promise.all(idle);
  }
}

async function releaseSession(entry: Entry<unknown>): Promise<void> {
  try {
    await (await entry.made).session.release();
  } catch {
    // A session that failed to build holds nothing; one already released needs nothing.
  }
}
