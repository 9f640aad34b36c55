/**
 * Gradient forms onnxruntime's CPU provider can keep in its blocked channel layout (NCHWc).
 * It runs Conv (with a fused activation such as HardSigmoid or Clip), Sum/Add, Mul of two
 * same-shaped blocked tensors, Relu, a few pools and nearest Resize by whole scales blocked,
 * and converts a tensor back to plain NCHW for every other consumer (Greater, Cast, Where,
 * Expand, a Mul that broadcasts, ConvTranspose, Pad). In a gradient graph one plain op on the
 * residual stream of a ResNet keeps every later Sum and ReLU mask plain and puts conversions
 * around each Conv. These forms are standard ONNX ops with the same values, written as
 * depthwise convolutions and Resizes.
 */
import { float } from '../builder.js';
import type { VjpContext } from '../vjp.js';

const FLT_MAX = 3.4028234663852886e38;

/** Channel counts onnxruntime blocks (its block is 8 or 16 channels, depending on the CPU). */
const blockable = (shape: number[]) => shape.length >= 3 && shape[1] % 8 === 0;

/** `scale * x + shift` per element of `x` (of shape `shape`, [N, C, ...]) as a 1 x 1 depthwise Conv. */
function unitDepthwise(ctx: VjpContext, x: string, shape: number[], scale = 1, shift?: number): string {
  const { b } = ctx;
  const c = shape[1];
  const unit = shape.slice(2).map(() => 1);
  const w = b.constF(new Float32Array(c).fill(scale), [c, 1, ...unit]);
  const bias = shift === undefined ? [] : [b.constF(new Float32Array(c).fill(shift), [c])];
  return b.conv('Conv', [x, w, ...bias], unit, { group: c });
}

/**
 * The float mask y > 0 of a ReLU output y (y >= 0): HardSigmoid(FLT_MAX * y) clipped to
 * [0, 1], which is exactly 1 for every positive normal float and 0 at 0, after a unit
 * depthwise Conv that onnxruntime fuses it into. Greater and Cast instead would take y and
 * the gradient out of the blocked layout at every ReLU.
 */
export function positiveMask(ctx: VjpContext, y: string): string {
  const { b } = ctx;
  const shape = ctx.shape(y);
  if (!blockable(shape)) return b.maskOf(b.op('Greater', [y, b.scalarF(0)]));
  return b.op('HardSigmoid', [unitDepthwise(ctx, y, shape)], { alpha: float(FLT_MAX), beta: float(0) });
}

/**
 * `x` (of shape `shape`) copied by a unit 1 x 1 depthwise Conv, so the ops that read it next (the Sum of a
 * residual branch, a ReLU mask, the next Conv) run blocked: one pass over x where a plain x
 * costs a conversion before every Conv and keeps the Sums and Muls after it plain.
 */
export function intoBlockedLayout(ctx: VjpContext, x: string, shape: number[]): string {
  return blockable(shape) ? unitDepthwise(ctx, x, shape) : x;
}

/**
 * clip(scale * x + shift, lo, hi) per element of `x` ([N, C, ...], C blockable): a 1 x 1
 * depthwise Conv with that weight and bias, and a Clip that onnxruntime fuses into it.
 */
function clippedAffine(ctx: VjpContext, x: string, shape: number[], scale: number, shift: number, lo: number, hi: number): string {
  return ctx.b.op('Clip', [unitDepthwise(ctx, x, shape, scale, shift), ctx.b.scalarF(lo), ctx.b.scalarF(hi)]);
}

/** 2^100: scales any float's distance from ±3 (at least 2^-22) far past 1, without overflow for |x| < 2^27. */
const STEEP = 2 ** 100;

/**
 * HardSwish's derivative at x (PyTorch's: 0 below -3, x / 3 + 1/2 on [-3, 3], 1 above) as
 * three clipped affine maps and their Sum, all blocked: clip(x/3 + 1/2, -1/2, 3/2) is the
 * derivative inside and -1/2 or 3/2 outside; 1/2 [x < -3] and -1/2 [x > 3] correct the
 * outside. The steps are exact: 2^100 x is, and adding the bias rounds once, which keeps
 * the sign of x ∓ 3. Undefined for shapes onnxruntime does not block (the plain form then).
 */
export function blockedHardSwishDerivative(ctx: VjpContext, x: string): string | undefined {
  const shape = ctx.shape(x);
  if (!blockable(shape)) return undefined;
  const inside = clippedAffine(ctx, x, shape, 1 / 3, 0.5, -0.5, 1.5);
  const below = clippedAffine(ctx, x, shape, -STEEP, -3 * STEEP, 0, 0.5);
  const above = clippedAffine(ctx, x, shape, -STEEP, 3 * STEEP, -0.5, 0);
  return ctx.b.sum([inside, below, above]);
}

/**
 * `small` (of shape `from`, [N, C, 1, 1]) repeated over the h x w positions of `shape` ([N, C, h, w]), as a
 * squeeze-excitation gate's or a global pooling's gradient needs. A nearest Resize by whole
 * scales runs blocked (onnxruntime's NCHWc Upsample), and so does the same-shape Mul or Sum
 * that reads it; Expand, or a Mul that broadcasts, would take the full-size gradient they
 * meet out of the blocked layout and keep everything after them plain. Undefined for other
 * shapes, and before opset 11 (Resize's nearest_mode).
 */
export function spatialRepeat(ctx: VjpContext, small: string, from: number[], shape: number[]): string | undefined {
  const repeats = from.length === 4 && shape.length === 4 && from[0] === shape[0] && from[1] === shape[1] && from[2] === 1 && from[3] === 1 && shape[2] * shape[3] > 1;
  if (!repeats || !blockable(shape) || ctx.opset < 11) return undefined;
  const scales = ctx.b.constF([1, 1, shape[2], shape[3]]);
  return ctx.b.op('Resize', [small, '', scales], { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' });
}

/**
 * `small` (of shape `from`) broadcast to `shape`: {@link spatialRepeat} where it applies, else
 * Expand. A result that repeats `small` over all spatial positions is noted in the builder.
 */
export function broadcastTo(ctx: VjpContext, small: string, from: number[], shape: number[]): string {
  const out = spatialRepeat(ctx, small, from, shape) ?? ctx.b.op('Expand', [small, ctx.b.constI(shape)]);
  if (shape.length > 2 && from[0] === shape[0] && from[1] === shape[1] && from.slice(2).every((d) => d === 1)) ctx.b.spatialRepeats.set(out, small);
  return out;
}
