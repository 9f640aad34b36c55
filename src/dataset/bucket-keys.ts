/**
 * Quantile sketch bucket keys of float32 values, `ceil(ln|v| / ln(gamma))`, by table lookup:
 * a scan keys every non-zero activation of every image, and the logarithm was most of that
 * cost. The table has one slot per float32 exponent and leading mantissa bits; a slot holds
 * the key of every value in it when a margin far wider than `Math.log`'s error around both of
 * its ends gives one key, else it is marked as crossed by a bucket boundary and values there
 * get the logarithm. So keys always equal the logarithm's.
 */

/** Leading mantissa bits per slot: about 2 % of slots are crossed at the default relative error. */
const MANTISSA_BITS = 12;
const SHIFT = 23 - MANTISSA_BITS;
const UNKNOWN = 0x7fffffff;
const CROSSED = 0x7ffffffe;
/** Far above the error of `Math.log(v) / logGamma` (a few 1e-12 for any float32 v), far below a bucket. */
const MARGIN = 1e-7;

const scratchBits = new Uint32Array(1);
const scratchFloat = new Float32Array(scratchBits.buffer);
const asFloat = (bits: number) => {
  scratchBits[0] = bits;
  return scratchFloat[0];
};

const shared = new Map<number, BucketKeys>();

export class BucketKeys {
  /** Filled on first use, slot by slot. */
  private readonly table = new Int32Array(1 << (8 + MANTISSA_BITS)).fill(UNKNOWN);

  private constructor(private readonly logGamma: number) {}

  /** The table for one `ln(gamma)`, shared by every sketch with that relative error. */
  static for(logGamma: number): BucketKeys {
    let keys = shared.get(logGamma);
    if (!keys) shared.set(logGamma, keys = new BucketKeys(logGamma));
    return keys;
  }

  /** `Math.ceil(Math.log(magnitude) / logGamma)`, where `bits` is the float32 bit pattern of ±magnitude. */
  key(magnitude: number, bits: number): number {
    const slot = (bits & 0x7fffffff) >>> SHIFT;
    let key = this.table[slot];
    if (key === UNKNOWN) key = this.table[slot] = this.slotKey(slot);
    return key === CROSSED ? Math.ceil(Math.log(magnitude) / this.logGamma) : key;
  }

  private slotKey(slot: number): number {
    // Infinities, NaNs and denormals take the logarithm every time.
    const exponent = slot >>> MANTISSA_BITS;
    if (exponent === 0xff || exponent === 0) return CROSSED;
    const lo = Math.log(asFloat(slot << SHIFT)) / this.logGamma;
    const hi = Math.log(asFloat(((slot + 1) << SHIFT) - 1)) / this.logGamma;
    const key = Math.ceil(lo - MARGIN);
    return key === Math.ceil(hi + MARGIN) ? key : CROSSED;
  }
}
