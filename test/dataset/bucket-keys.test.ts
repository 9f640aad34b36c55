/** Table-looked-up sketch bucket keys against the logarithm, at and between bucket boundaries. */
import { describe, expect, it } from 'vitest';
import { BucketKeys } from '../../src/dataset/bucket-keys.js';
import { SKETCH_ZERO } from '../../src/dataset/quantile-sketch.js';
import { SceneRandom } from '../../src/demo/scenes/scene-random.js';

const bitsOf = (v: number) => new Uint32Array(new Float32Array([v]).buffer)[0];
const floatOf = (bits: number) => new Float32Array(new Uint32Array([bits]).buffer)[0];

describe('BucketKeys', () => {
  for (const relativeError of [0.005, 0.01]) {
    const gamma = (1 + relativeError) / (1 - relativeError);
    const logGamma = Math.log(gamma);
    const keys = BucketKeys.for(logGamma);
    const check = (bits: number) => {
      const v = floatOf(bits);
      const m = Math.abs(v);
      if (!(m >= SKETCH_ZERO) || !Number.isFinite(m)) return 0;
      const truth = Math.ceil(Math.log(m) / logGamma);
      const got = keys.key(m, bits);
      if (got !== truth) expect({ v, got }).toEqual({ v, got: truth });
      return 1;
    };

    it(`equals ceil(ln|v| / ln gamma) next to every bucket boundary (relative error ${relativeError})`, () => {
      let checked = 0;
      const lo = Math.ceil(Math.log(SKETCH_ZERO) / logGamma);
      const hi = Math.floor(Math.log(3e38) / logGamma);
      for (let k = lo; k <= hi; k++) {
        const edge = bitsOf(gamma ** k);
        for (let d = -4; d <= 4; d++) checked += check(edge + d) + check((edge + d) | 0x80000000);
      }
      expect(checked).toBeGreaterThan(18 * (hi - lo));
    });

    it(`equals it on random float32 values of every magnitude (relative error ${relativeError})`, () => {
      const rng = new SceneRandom(11);
      let checked = 0;
      for (let i = 0; i < 300_000; i++) checked += check(Math.floor(rng.next() * 2 ** 32) >>> 0);
      expect(checked).toBeGreaterThan(100_000);
    });
  }
});
