/**
 * A streaming quantile sketch with a relative error bound (the DDSketch idea, written for
 * convlens): values go to logarithmic buckets of ratio gamma = (1 + a) / (1 - a), so any
 * quantile is returned within a relative error `a` of the true value. Buckets are integer
 * counts, so merging sketches is exact and order-independent.
 */
import { ConvlensError } from '../errors.js';
import { BucketKeys } from './bucket-keys.js';

/** Values with a smaller magnitude count as zero (their error is absolute, at most this). */
export const SKETCH_ZERO = 1e-9;

export interface QuantileSketchJson {
  relativeError: number;
  count: number;
  zeros: number;
  positive: [number, number][];
  negative: [number, number][];
}

/** Bucket counts by integer key in one growable array (keys of one channel span a few thousand at most). */
class Buckets {
  private counts = new Float64Array(0);
  /** Key of `counts[0]`. */
  private first = 0;

  add(key: number, count = 1): void {
    let i = key - this.first;
    // Negated so that a NaN key (from a NaN value) goes to grow, which refuses it, instead of vanishing.
    if (!(i >= 0 && i < this.counts.length)) {
      this.grow(key);
      i = key - this.first;
    }
    this.counts[i] += count;
  }

  /** `add(key)` for the hot loop: no default argument, growth out of line. */
  increment(key: number): void {
    const i = key - this.first;
    if (i >= 0 && i < this.counts.length) this.counts[i]++;
    else this.add(key);
  }

  private grow(key: number): void {
    if (!Number.isFinite(key)) throw new ConvlensError('RUNTIME', 'An activation is infinite; the model produced invalid values for this input.');
    const n = this.counts.length;
    const lo = n === 0 ? key : Math.min(key, this.first);
    const hi = n === 0 ? key : Math.max(key, this.first + n - 1);
    // Room on both sides, so a slowly widening range does not copy on every new key.
    const margin = Math.max(16, (hi - lo) >> 1);
    const first = lo - margin;
    const counts = new Float64Array(hi - lo + 1 + 2 * margin);
    if (n > 0) counts.set(this.counts, this.first - first);
    this.counts = counts;
    this.first = first;
  }

  /** Non-empty buckets as [key, count], keys ascending. */
  entries(): [number, number][] {
    const out: [number, number][] = [];
    this.counts.forEach((c, i) => { if (c > 0) out.push([this.first + i, c]); });
    return out;
  }

  merge(other: Buckets): void {
    for (const [k, c] of other.entries()) this.add(k, c);
  }
}

export class QuantileSketch {
  private readonly logGamma: number;
  private readonly keys: BucketKeys;
  private readonly gamma: number;
  private readonly positive = new Buckets();
  private readonly negative = new Buckets();
  private zeros = 0;
  count = 0;

  /** @param relativeError the bound `a` on |estimate - true| / |true|; default 0.005. */
  constructor(readonly relativeError = 0.005) {
    if (!(relativeError > 0 && relativeError < 1)) throw new ConvlensError('BAD_OPTION', `The sketch's relative error must be in (0, 1); got ${relativeError}.`);
    this.gamma = (1 + relativeError) / (1 - relativeError);
    this.logGamma = Math.log(this.gamma);
    this.keys = BucketKeys.for(this.logGamma);
  }

  /** Adds one value; NaN and infinities are refused (`RUNTIME`) and leave the sketch as it was. */
  add(value: number): void {
    const m = Math.abs(value);
    if (!(m < Infinity)) throw new ConvlensError('RUNTIME', `An activation is ${value}; the model produced invalid values for this input.`);
    this.count++;
    if (m < SKETCH_ZERO) {
      this.zeros++;
      return;
    }
    (value > 0 ? this.positive : this.negative).add(Math.ceil(Math.log(m) / this.logGamma));
  }

  /**
   * {@link add} for a scan's per-activation loop: adds `values[at[k]]` for `k < count`, float32
   * values of magnitude at least {@link SKETCH_ZERO} whose bit patterns are `bits` (a view of
   * the same floats); `addZeros` counts values of smaller magnitude. The counts equal `add`'s.
   */
  addGathered(values: Float32Array, bits: Uint32Array, at: Int32Array, count: number): void {
    this.count += count;
    const { keys, positive, negative } = this;
    for (let k = 0; k < count; k++) {
      const i = at[k];
      const b = bits[i];
      if (b >>> 31) negative.increment(keys.key(-values[i], b));
      else positive.increment(keys.key(values[i], b));
    }
  }

  addZeros(n: number): void {
    this.count += n;
    this.zeros += n;
  }

  /** Adds another sketch's counts (same relative error). */
  merge(other: QuantileSketch): void {
    if (other.relativeError !== this.relativeError) throw new ConvlensError('BAD_OPTION', 'Only sketches with the same relative error merge.');
    this.positive.merge(other.positive);
    this.negative.merge(other.negative);
    this.zeros += other.zeros;
    this.count += other.count;
  }

  /**
   * The value of rank `floor(q * (count - 1))` in sorted order (0-based), within the relative
   * error (absolute {@link SKETCH_ZERO} near zero).
   */
  quantile(q: number): number {
    if (this.count === 0) return NaN;
    const rank = Math.floor(q * (this.count - 1));
    let seen = 0;
    const value = (key: number) => (2 * this.gamma ** key) / (this.gamma + 1);
    for (const [key, count] of this.negative.entries().reverse()) {
      seen += count;
      if (seen > rank) return -value(key);
    }
    seen += this.zeros;
    if (seen > rank) return 0;
    for (const [key, count] of this.positive.entries()) {
      seen += count;
      if (seen > rank) return value(key);
    }
    return NaN;
  }

  toJSON(): QuantileSketchJson {
    return { relativeError: this.relativeError, count: this.count, zeros: this.zeros, positive: this.positive.entries(), negative: this.negative.entries() };
  }

  /** The sketch {@link toJSON} described, with the same counts (so it merges and answers exactly as the original). */
  static fromJSON(json: QuantileSketchJson): QuantileSketch {
    const sketch = new QuantileSketch(json.relativeError);
    for (const [key, count] of json.positive) sketch.positive.add(key, count);
    for (const [key, count] of json.negative) sketch.negative.add(key, count);
    sketch.zeros = json.zeros;
    sketch.count = json.count;
    return sketch;
  }
}
