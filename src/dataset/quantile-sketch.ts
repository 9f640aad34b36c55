/**
 * A streaming quantile sketch with a relative error bound (the DDSketch idea, written for
 * convlens): values go to logarithmic buckets of ratio gamma = (1 + a) / (1 - a), so any
 * quantile is returned within a relative error `a` of the true value. Buckets are integer
 * counts, so merging sketches is exact and order-independent.
 */
import { ConvlensError } from '../errors.js';

/** Values with a smaller magnitude count as zero (their error is absolute, at most this). */
export const SKETCH_ZERO = 1e-9;

export interface QuantileSketchJson {
  relativeError: number;
  count: number;
  zeros: number;
  positive: [number, number][];
  negative: [number, number][];
}

export class QuantileSketch {
  private readonly logGamma: number;
  private readonly gamma: number;
  private readonly positive = new Map<number, number>();
  private readonly negative = new Map<number, number>();
  private zeros = 0;
  count = 0;

  /** @param relativeError the bound `a` on |estimate - true| / |true|; default 0.005. */
  constructor(readonly relativeError = 0.005) {
    if (!(relativeError > 0 && relativeError < 1)) throw new ConvlensError('BAD_OPTION', `The sketch's relative error must be in (0, 1); got ${relativeError}.`);
    this.gamma = (1 + relativeError) / (1 - relativeError);
    this.logGamma = Math.log(this.gamma);
  }

  add(value: number): void {
    this.count++;
    const m = Math.abs(value);
    if (!(m >= SKETCH_ZERO)) {
      if (Number.isNaN(value)) throw new ConvlensError('RUNTIME', 'An activation is NaN; the model produced invalid values for this input.');
      this.zeros++;
      return;
    }
    const key = Math.ceil(Math.log(m) / this.logGamma);
    const store = value > 0 ? this.positive : this.negative;
    store.set(key, (store.get(key) ?? 0) + 1);
  }

  /** Adds another sketch's counts (same relative error). */
  merge(other: QuantileSketch): void {
    if (other.relativeError !== this.relativeError) throw new ConvlensError('BAD_OPTION', 'Only sketches with the same relative error merge.');
    for (const [k, c] of other.positive) this.positive.set(k, (this.positive.get(k) ?? 0) + c);
    for (const [k, c] of other.negative) this.negative.set(k, (this.negative.get(k) ?? 0) + c);
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
    for (const key of [...this.negative.keys()].sort((a, b) => b - a)) {
      seen += this.negative.get(key)!;
      if (seen > rank) return -value(key);
    }
    seen += this.zeros;
    if (seen > rank) return 0;
    for (const key of [...this.positive.keys()].sort((a, b) => a - b)) {
      seen += this.positive.get(key)!;
      if (seen > rank) return value(key);
    }
    return NaN;
  }

  toJSON(): QuantileSketchJson {
    const sorted = (m: Map<number, number>) => [...m.entries()].sort((a, b) => a[0] - b[0]);
    return { relativeError: this.relativeError, count: this.count, zeros: this.zeros, positive: sorted(this.positive), negative: sorted(this.negative) };
  }
}
