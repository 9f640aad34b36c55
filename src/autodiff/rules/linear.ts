/** Matrix products: Gemm and batched, broadcasting MatMul. */
import { float } from '../builder.js';
import type { GraphBuilder } from '../builder.js';
import type { VjpContext, VjpEntry } from '../vjp.js';
import { attrFloat, attrInt } from '../../onnx/attributes.js';
import { optionalInput } from '../vjp.js';

/** alpha · op(P) · op(Q) as a Gemm; C became optional in opset 11, so older opsets get a 0. */
function gemm(b: GraphBuilder, p: string, q: string, transP: boolean, transQ: boolean, alpha: number): string {
  const inputs = b.opset >= 11 ? [p, q] : [p, q, b.scalarF(0)];
  return b.op('Gemm', inputs, { transA: transP ? 1 : 0, transB: transQ ? 1 : 0, alpha: float(alpha) });
}

/**
 * Y = alpha · A' B' + beta · C with A' = transA ? Aᵀ : A (same for B):
 * dA' = alpha · gy B'ᵀ, dB' = alpha · A'ᵀ gy, dC = beta · gy summed to C's shape.
 */
const gemmRule: VjpEntry = {
  rule: (ctx) => {
    const { b, node } = ctx;
    const [a, bm] = node.inputs;
    const c = optionalInput(node, 2);
    const gy = ctx.gy[0]!;
    const transA = attrInt(node, 'transA', 0) === 1;
    const transB = attrInt(node, 'transB', 0) === 1;
    const alpha = attrFloat(node, 'alpha', 1);
    const beta = attrFloat(node, 'beta', 1);
    // dA = alpha · gy B'ᵀ, or its transpose alpha · B' gyᵀ when A enters transposed.
    const ga = ctx.needs(0) ? (transA ? gemm(b, bm, gy, transB, true, alpha) : gemm(b, gy, bm, false, !transB, alpha)) : undefined;
    // dB = alpha · A'ᵀ gy, or its transpose alpha · gyᵀ A' when B enters transposed.
    const gb = ctx.needs(1) ? (transB ? gemm(b, gy, a, true, transA, alpha) : gemm(b, a, gy, !transA, false, alpha)) : undefined;
    let gc: string | undefined;
    if (c && ctx.needs(2)) {
      const scaled = beta === 1 ? gy : b.op('Mul', [gy, b.scalarF(beta)]);
      gc = b.reduceToShape(scaled, ctx.shape(node.outputs[0]), ctx.shape(c));
    }
    return [ga, gb, gc];
  },
};

/** Swaps the last two axes of a tensor of rank ≥ 2. */
function swapLast(b: GraphBuilder, x: string, rank: number): string {
  const perm = Array.from({ length: rank }, (_, i) => i);
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return b.transpose(x, perm);
}

const product = (dims: number[]) => dims.reduce((p, d) => p * d, 1);

/** Reshape that emits nothing when the shape already matches. */
function reshapeTo(b: GraphBuilder, x: string, from: number[], to: number[]): string {
  return from.length === to.length && from.every((d, i) => d === to[i]) ? x : b.reshape(x, to);
}

/**
 * numpy.matmul semantics: 1-D operands are promoted to matrices ([K] → [1, K] on the left,
 * [K, 1] on the right) and leading axes broadcast. Gradients are computed on the promoted
 * shapes, summed over broadcast batch axes, and reshaped back.
 */
function matMulRule(ctx: VjpContext): (string | undefined)[] {
  const { b, node } = ctx;
  const [a, bm] = node.inputs;
  const sa = ctx.shape(a);
  const sb = ctx.shape(bm);
  const sy = ctx.shape(node.outputs[0]);
  const pa = sa.length === 1 ? [1, sa[0]] : sa;
  const pb = sb.length === 1 ? [sb[0], 1] : sb;
  const [m, k] = pa.slice(-2);
  const n = pb[pb.length - 1];
  const batch = sy.slice(0, sy.length - (sa.length === 1 ? 0 : 1) - (sb.length === 1 ? 0 : 1));
  const py = [...batch, m, n];
  const gy = reshapeTo(b, ctx.gy[0]!, sy, py);
  const ap = reshapeTo(b, a, sa, pa);
  const bp = reshapeTo(b, bm, sb, pb);
  let ga: string | undefined;
  let gb: string | undefined;
  if (ctx.needs(0)) {
    const g = b.op('MatMul', [gy, swapLast(b, bp, pb.length)]);
    ga = reshapeTo(b, b.reduceToShape(g, [...batch, m, k], pa), pa, sa);
  }
  if (ctx.needs(1) && pb.length === 2 && batch.length > 0) {
    // A 2-D right operand (a weight shared across the batch): folding the batch into the
    // rows makes one matrix product replace a batched product and a reduction.
    const rows = product(batch) * m;
    const g = gemm(b, b.reshape(ap, [rows, k]), b.reshape(gy, [rows, n]), true, false, 1);
    gb = reshapeTo(b, g, pb, sb);
  } else if (ctx.needs(1)) {
    const g = b.op('MatMul', [swapLast(b, ap, pa.length), gy]);
    gb = reshapeTo(b, b.reduceToShape(g, [...batch, k, n], pb), pb, sb);
  }
  return [ga, gb];
}

export const linearRules: Record<string, VjpEntry> = {
  Gemm: gemmRule,
  MatMul: { rule: matMulRule },
};
