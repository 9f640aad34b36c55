/**
 * Everything a scan keeps about one layer, in memory that does not grow with the dataset:
 * per channel the top-K images (bounded heap), a quantile sketch of its activations (for the
 * Network Dissection threshold), how often it fires, its largest value and the exact sum of
 * its per-image sums. Every part merges, so shards of a dataset combine into the same summary
 * as one pass over it.
 */
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { QuantileSketch, SKETCH_ZERO, type QuantileSketchJson } from './quantile-sketch.js';
import { TopK, type TopEntry } from './top-k.js';

/** How a channel's score for an image is taken: its mean over positions, or its largest value. */
export type RankBy = 'mean' | 'max';

/** The activation quantile that defines a unit's "on" region (Bau et al., Network Dissection). */
export const DISSECTION_QUANTILE = 0.995;

/**
 * Per-image channel sums are added as whole multiples of 2^-32: integer addition is exact
 * and associative, so the merged mean does not depend on shard order.
 */
const FIXED_POINT = 2 ** 32;

/**
 * The integer sums are kept as two float64 integers, whole 2^32s and the rest, which add
 * exactly while below 2^53 (a bigint per image and channel was a tenth of a scan's folding);
 * whole parts from this size up go to a bigint.
 */
const SPILL = 2 ** 51;
const WHOLE = BigInt(FIXED_POINT);

/** Bit pattern of the smallest float32 of magnitude at least {@link SKETCH_ZERO}: a float32 `v` has `|v| >= SKETCH_ZERO` exactly when its magnitude bits are at least this. */
const SKETCH_ZERO_BITS = (() => {
  const f = new Float32Array([SKETCH_ZERO]);
  const u = new Uint32Array(f.buffer);
  if (f[0] < SKETCH_ZERO) u[0]++;
  return u[0];
})();

/** The float64 view of a batch whose floats do not start on an 8-byte boundary: every read is out of bounds, so no pair is skipped. */
const NO_PAIRS = new Float64Array(0);

export interface LayerSummaryOptions {
  k: number;
  rank: RankBy;
  /** Relative error of the activation sketches; default 0.005. */
  relativeError?: number;
}

/** Per channel results of a finished scan. */
export interface ChannelResult {
  channel: number;
  /** The 0.995 quantile of the channel's activations over every position of every image. */
  threshold: number;
  mean: number;
  max: number;
  /** Share of the channel's activations above zero. */
  fireRate: number;
  top: TopEntry[];
}

export interface LayerStatistics {
  /** Share of channels with no activation above zero on any image. */
  deadShare: number;
  /** Share of channels above zero at every position of every image (never off, so never selective). */
  saturatedShare: number;
  /** Mean activation over channels, positions and images. */
  meanActivation: number;
}

/** A {@link LayerSummary} as plain data (bigint sums as decimal strings). */
export interface LayerSummaryJson {
  tensor: string;
  shape: [number, number, number];
  options: LayerSummaryOptions;
  images: number;
  values: number;
  heaps: TopEntry[][];
  sketches: QuantileSketchJson[];
  fires: number[];
  maxima: (number | null)[];
  sums: string[];
}

export class LayerSummary {
  readonly channels: number;
  readonly height: number;
  readonly width: number;
  private readonly heaps: TopK[];
  private readonly sketches: QuantileSketch[];
  private readonly fires: Float64Array;
  private readonly maxima: Float64Array;
  /** Channel sums in units of 2^-32: `spilled + high * 2^32 + low`, with `0 <= low < 2^32`. */
  private readonly high: Float64Array;
  private readonly low: Float64Array;
  private readonly spilled: bigint[];
  /** Scratch: positions of one plane's values the sketch keys. */
  private readonly nonzero: Int32Array;
  /** Activations seen per channel. */
  private values = 0;
  images = 0;

  /** @param shape the layer's `[C, h, w]` (or `[K]`) item shape */
  constructor(readonly tensor: string, shape: number[], readonly options: LayerSummaryOptions) {
    if (shape.length !== 1 && shape.length !== 3) {
      throw new ConvlensError('BAD_OPTION', `Layer "${tensor}" has item shape [${shape.join(', ')}]; a scan reads [C, h, w] feature maps or [K] vectors.`);
    }
    [this.channels, this.height = 1, this.width = 1] = shape;
    this.heaps = Array.from({ length: this.channels }, () => new TopK(options.k));
    this.sketches = Array.from({ length: this.channels }, () => new QuantileSketch(options.relativeError));
    this.fires = new Float64Array(this.channels);
    this.maxima = new Float64Array(this.channels).fill(-Infinity);
    this.high = new Float64Array(this.channels);
    this.low = new Float64Array(this.channels);
    this.spilled = new Array<bigint>(this.channels).fill(0n);
    this.nonzero = new Int32Array(this.height * this.width);
  }

  /** Adds a batch of the layer's outputs; `images[n]` is the dataset index of item n. */
  add(batch: FloatTensor, images: number[]): void {
    const plane = this.height * this.width;
    const item = this.channels * plane;
    if (batch.data.length !== images.length * item) {
      throw new ConvlensError('BAD_INPUT', `Layer "${this.tensor}" gave ${batch.data.length} values for ${images.length} images; expected ${item} per image.`);
    }
    const { data } = batch;
    const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
    // Two float32 +0s read as one float64 are 0 (so is a +0 followed by a -0): ReLU maps are
    // mostly zeros, so pairs of them are skipped with one test. A zero adds nothing to a sum,
    // fires no count and is no sketch key; only the first one's place matters, for the maximum.
    const pairs = data.byteOffset % 8 === 0 ? new Float64Array(data.buffer, data.byteOffset, data.length >> 1) : NO_PAIRS;
    const nonzero = this.nonzero;
    for (let n = 0; n < images.length; n++) {
      for (let c = 0; c < this.channels; c++) {
        const base = n * item + c * plane;
        const end = base + plane;
        const sketch = this.sketches[c];
        let sum = 0;
        let best = -Infinity;
        let at = base;
        let zeroAt = -1;
        let count = 0;
        let fired = 0;
        // The zeros left are in no pattern a branch predictor could learn, so the values the
        // sketch must key are gathered without a branch on them (integer tests on the float32
        // bits) and keyed in a second loop.
        for (let i = base; i < end; i++) {
          if ((i & 1) === 0 && i + 1 < end && pairs[i >> 1] === 0) {
            if (zeroAt < 0) zeroAt = i;
            i++;
            continue;
          }
          const v = data[i];
          sum += v;
          if (v > best) { best = v; at = i; }
          const b = bits[i];
          const magnitude = b & 0x7fffffff;
          nonzero[count] = i;
          count += (SKETCH_ZERO_BITS - 1 - magnitude) >>> 31;
          fired += (~b >>> 31) & ((0 - magnitude) >>> 31);
        }
        // A skipped +0 is the maximum where nothing positive came, and where no zero came before it.
        if (zeroAt >= 0 && (best < 0 || (best === 0 && zeroAt < at))) {
          best = 0;
          at = zeroAt;
        }
        if (!Number.isFinite(sum)) throw new ConvlensError('RUNTIME', `Layer "${this.tensor}" gave a NaN or infinite activation; the model produced invalid values for image ${images[n]}.`);
        sketch.addGathered(data, bits, nonzero, count);
        sketch.addZeros(plane - count);
        at -= base;
        this.fires[c] += fired;
        if (best > this.maxima[c]) this.maxima[c] = best;
        this.addSum(c, Math.round(sum * FIXED_POINT));
        const score = this.options.rank === 'max' ? best : sum / plane;
        if (this.heaps[c].admits(score)) this.heaps[c].push({ image: images[n], score, y: Math.floor(at / this.width), x: at % this.width });
      }
    }
    this.values += images.length * plane;
    this.images += images.length;
  }

  /** Adds the integer `units` (a float64 holding an integer) to channel c's sum. */
  private addSum(c: number, units: number): void {
    const whole = Math.floor(units / FIXED_POINT);
    let low = this.low[c] + (units - whole * FIXED_POINT);
    let carry = 0;
    if (low >= FIXED_POINT) { low -= FIXED_POINT; carry = 1; }
    this.low[c] = low;
    if (Math.abs(whole) < SPILL && Math.abs(this.high[c]) < SPILL) {
      this.high[c] += whole + carry;
    } else {
      this.spilled[c] += (BigInt(this.high[c]) + BigInt(whole) + BigInt(carry)) * WHOLE;
      this.high[c] = 0;
    }
  }

  /** Channel c's sum in units of 2^-32. */
  private sum(c: number): bigint {
    return this.spilled[c] + BigInt(this.high[c]) * WHOLE + BigInt(this.low[c]);
  }

  /** Adds another summary of the same layer (other images). */
  merge(other: LayerSummary): void {
    if (other.tensor !== this.tensor || other.channels !== this.channels || other.options.k !== this.options.k || other.options.rank !== this.options.rank) {
      throw new ConvlensError('BAD_OPTION', `Cannot merge summaries of different layers or settings (${this.tensor} and ${other.tensor}).`);
    }
    for (let c = 0; c < this.channels; c++) {
      this.heaps[c].merge(other.heaps[c]);
      this.sketches[c].merge(other.sketches[c]);
      this.fires[c] += other.fires[c];
      this.maxima[c] = Math.max(this.maxima[c], other.maxima[c]);
      this.spilled[c] += other.sum(c);
    }
    this.values += other.values;
    this.images += other.images;
  }

  /** Per channel: threshold, mean, max, fire rate and top images, best first. */
  results(): ChannelResult[] {
    return Array.from({ length: this.channels }, (_, c) => ({
      channel: c,
      threshold: this.sketches[c].quantile(DISSECTION_QUANTILE),
      mean: Number(this.sum(c)) / FIXED_POINT / this.values,
      max: this.maxima[c],
      fireRate: this.fires[c] / this.values,
      top: this.heaps[c].sorted(),
    }));
  }

  statistics(): LayerStatistics {
    let total = 0n;
    for (let c = 0; c < this.channels; c++) total += this.sum(c);
    let dead = 0;
    let saturated = 0;
    for (let c = 0; c < this.channels; c++) {
      if (this.fires[c] === 0) dead++;
      if (this.fires[c] === this.values) saturated++;
    }
    return { deadShare: dead / this.channels, saturatedShare: saturated / this.channels, meanActivation: Number(total) / FIXED_POINT / (this.values * this.channels) };
  }

  /** The full mergeable state as plain data (for shards sent between machines, and for comparing summaries). */
  toJSON(): LayerSummaryJson {
    return {
      tensor: this.tensor, shape: [this.channels, this.height, this.width], options: this.options, images: this.images, values: this.values,
      heaps: this.heaps.map((h) => h.sorted()), sketches: this.sketches.map((s) => s.toJSON()),
      // JSON has no -Infinity: null stands for a channel that has seen no value yet.
      fires: [...this.fires], maxima: [...this.maxima].map((m) => (m === -Infinity ? null : m)), sums: Array.from({ length: this.channels }, (_, c) => String(this.sum(c))),
    };
  }

  /** The summary {@link toJSON} described: it merges and reports exactly as the original. */
  static fromJSON(json: LayerSummaryJson): LayerSummary {
    const summary = new LayerSummary(json.tensor, json.shape, json.options);
    json.heaps.forEach((entries, c) => { for (const e of entries) summary.heaps[c].push(e); });
    json.sketches.forEach((s, c) => { summary.sketches[c] = QuantileSketch.fromJSON(s); });
    json.fires.forEach((f, c) => { summary.fires[c] = f; });
    json.maxima.forEach((m, c) => { summary.maxima[c] = m ?? -Infinity; });
    json.sums.forEach((s, c) => { summary.spilled[c] = BigInt(s); });
    summary.values = json.values;
    summary.images = json.images;
    return summary;
  }
}
