/** The session cache: leased sessions are never released; idle ones go least recently used first, under the budget. */
import type { InferenceSession } from 'onnxruntime-common';
import { describe, expect, it } from 'vitest';
import { SessionCache } from '../../src/engine/session-cache.js';

/** A stand-in session that records its release. */
function fakeSessions() {
  const released: string[] = [];
  const make = (name: string) => async () => ({ session: { release: async () => void released.push(name) } as unknown as InferenceSession, meta: name });
  return { released, make };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('SessionCache', () => {
  it('releases idle sessions least recently used first to fit the budget', async () => {
    const { released, make } = fakeSessions();
    const cache = new SessionCache<string>(10);
    for (const k of ['a', 'b', 'c']) (await cache.acquire(k, 30, 100, make(k))).release();
    (await cache.acquire('a', 30, 100, make('a'))).release(); // a is now the most recent
    expect(cache.residentBytes).toBe(90);
    (await cache.acquire('d', 50, 100, make('d'))).release();
    await tick();
    // 90 + 50 > 100: b then c go (oldest first), a stays.
    expect(released).toEqual(['b', 'c']);
    expect(cache.residentBytes).toBe(80);
  });

  it('never releases a leased session, and releases it when its lease ends after clear()', async () => {
    const { released, make } = fakeSessions();
    const cache = new SessionCache<string>(1);
    const a = await cache.acquire('a', 60, 100, make('a'));
    const b = await cache.acquire('b', 60, 100, make('b'));
    await tick();
    expect(released).toEqual([]); // over budget and capacity, but both are in use
    b.release();
    await cache.clear();
    expect(released).toEqual(['b']);
    a.release();
    a.release(); // a second release of the same lease changes nothing
    await tick();
    expect(released).toEqual(['b', 'a']);
    expect(cache.size).toBe(0);
  });

  it('shares one session between concurrent leases of the same key', async () => {
    const { make } = fakeSessions();
    const cache = new SessionCache<string>();
    let created = 0;
    const create = () => { created++; return make('a')(); };
    const [x, y] = await Promise.all([cache.acquire('a', 1, 10, create), cache.acquire('a', 1, 10, create)]);
    expect(created).toBe(1);
    expect(x.session).toBe(y.session);
  });

  it('forgets a session that failed to build', async () => {
    const cache = new SessionCache<string>();
    await expect(cache.acquire('a', 1, 10, async () => { throw new Error('bad graph'); })).rejects.toThrow('bad graph');
    expect(cache.size).toBe(0);
  });
});
