/**
 * Seeded random numbers for everything that needs noise (methods, synthesis, scenes, training). The integer stream uses only 32-bit
 * integer arithmetic, so it is identical everywhere; normal values add Math.log, sin and cos,
 * which V8 (Node, Chrome) computes with its own fdlibm port, identically on every OS.
 */
import { ConvlensError } from '../errors.js';

/** splitmix32: spreads a seed's bits so nearby seeds start from unrelated states. */
function splitmix32(state: number): () => number {
  let s = state >>> 0;
  return () => {
    s = (s + 0x9e3779b9) >>> 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x21f0aaad);
    z = Math.imul(z ^ (z >>> 15), 0x735a2d97);
    return (z ^ (z >>> 15)) >>> 0;
  };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * A stream of uniform 32-bit integers (xoshiro128**) from an integer seed. Seeds beyond 32
 * bits (e.g. `Date.now()`) keep their high bits, so they do not collide with small seeds.
 *
 * @example
 * const next = seededUint32(7);
 * next(); // the same value on every run
 */
export function seededUint32(seed: number): () => number {
  if (!Number.isSafeInteger(seed)) {
    throw new ConvlensError('BAD_OPTION', `A random seed must be an integer, got ${String(seed)}.`);
  }
  const mix = splitmix32((seed >>> 0) ^ Math.imul(Math.floor(seed / 2 ** 32) >>> 0, 0x85ebca6b));
  const s = [mix(), mix(), mix(), mix()];
  return () => {
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  };
}

/**
 * A stream of standard normal numbers (Box–Muller; both values of each pair are used, in
 * order) from an integer seed.
 *
 * @example
 * const normal = seededNormal(0);
 * const noise = Float32Array.from({ length: 10 }, normal);
 */
export function seededNormal(seed: number): () => number {
  const next = seededUint32(seed);
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const z = spare;
      spare = null;
      return z;
    }
    // u1 in (0, 1] so the logarithm stays finite.
    const u1 = (next() + 1) / 2 ** 32;
    const angle = (2 * Math.PI * next()) / 2 ** 32;
    const r = Math.sqrt(-2 * Math.log(u1));
    spare = r * Math.sin(angle);
    return r * Math.cos(angle);
  };
}
