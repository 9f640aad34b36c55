/**
 * Compiled sessions keyed by graph variant and input shape. Creating a session costs far
 * more than a run (graph optimization, weight packing), and methods call the same variant
 * repeatedly, so a few recent sessions are kept and the oldest released.
 */
import type { InferenceSession } from 'onnxruntime-common';

export class SessionCache<T> {
  private readonly entries = new Map<string, Promise<{ session: InferenceSession; meta: T }>>();

  constructor(private readonly capacity = 6) {}

  get(key: string, create: () => Promise<{ session: InferenceSession; meta: T }>): Promise<{ session: InferenceSession; meta: T }> {
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit;
    }
    const made = create();
    this.entries.set(key, made);
    made.catch(() => this.entries.delete(key));
    while (this.entries.size > this.capacity) {
      const [oldest, entry] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      entry.then((e) => e.session.release()).catch(() => undefined);
    }
    return made;
  }

  /** Releases every session. */
  async clear(): Promise<void> {
    const all = [...this.entries.values()];
    this.entries.clear();
    await Promise.all(all.map((p) => p.then((e) => e.session.release()).catch(() => undefined)));
  }
}
