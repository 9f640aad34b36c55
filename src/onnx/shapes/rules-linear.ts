/** Matrix products: Gemm, batched MatMul and Einsum. */
import type { NodeContext } from './context.js';
import { broadcastShapes, formatDims } from './dims.js';
import type { RuleTable, ShapeRule } from './types.js';

const gemm: ShapeRule = (ctx: NodeContext) => {
  const a = ctx.shape(0);
  const b = ctx.shape(1);
  if (a.length !== 2 || b.length !== 2) ctx.fail(`Gemm needs 2-D operands but got ${formatDims(a)} and ${formatDims(b)}`);
  const [m, ka] = ctx.int('transA', 0) ? [a[1], a[0]] : a;
  const [kb, n] = ctx.int('transB', 0) ? [b[1], b[0]] : b;
  if (ka !== kb) ctx.fail(`inner dimensions differ: A gives ${ka}, B gives ${kb}`, 'Check that the pinned input size matches what the classifier head expects.');
  if (ctx.has(2)) {
    const c = broadcastShapes([[m, n], ctx.shape(2)]);
    if (typeof c === 'string' || c.length !== 2 || c[0] !== m || c[1] !== n) ctx.fail(`C ${formatDims(ctx.shape(2))} does not broadcast to [${m}, ${n}]`);
  }
  return [{ shape: [m, n], type: ctx.type(0) }];
};

const matMul: ShapeRule = (ctx: NodeContext) => {
  const a = ctx.shape(0);
  const b = ctx.shape(1);
  if (a.length === 0 || b.length === 0) ctx.fail('MatMul does not accept scalars');
  // 1-D operands are promoted to matrices and the added axis removed afterwards (numpy.matmul).
  const am = a.length === 1 ? [1, a[0]] : a;
  const bm = b.length === 1 ? [b[0], 1] : b;
  if (am[am.length - 1] !== bm[bm.length - 2]) {
    ctx.fail(`inner dimensions of ${formatDims(a)} and ${formatDims(b)} differ`, 'Check that the pinned input size matches what the model expects.');
  }
  const batch = broadcastShapes([am.slice(0, -2), bm.slice(0, -2)]);
  if (typeof batch === 'string') ctx.fail(`batch dimensions: ${batch}`);
  const shape = [...batch];
  if (a.length > 1) shape.push(am[am.length - 2]);
  if (b.length > 1) shape.push(bm[bm.length - 1]);
  return [{ shape, type: ctx.type(0) }];
};

interface Term {
  letters: string[];
  /** Where "..." sits among the letters, or -1. */
  ellipsisAt: number;
}

function parseTerm(ctx: NodeContext, text: string): Term {
  const t = text.trim();
  const at = t.indexOf('...');
  const plain = at < 0 ? t : t.slice(0, at) + t.slice(at + 3);
  const letters = [...plain];
  if (letters.some((l) => !/[A-Za-z]/.test(l))) ctx.fail(`equation term "${text}" is not made of letters and "..."`, 'The model is malformed; export it again.');
  return { letters, ellipsisAt: at < 0 ? -1 : [...t.slice(0, at)].length };
}

const einsum: ShapeRule = (ctx: NodeContext) => {
  const equation = ctx.string('equation', '').replace(/\s+/g, '');
  const [lhs, rhs] = equation.split('->');
  const terms = lhs.split(',').map((t) => parseTerm(ctx, t));
  if (terms.length !== ctx.node.inputs.length) ctx.fail(`equation "${equation}" has ${terms.length} operands but the node has ${ctx.node.inputs.length} inputs`, 'The model is malformed; export it again.');
  const sizes = new Map<string, number>();
  const ellipses: number[][] = [];
  const counts = new Map<string, number>();
  terms.forEach((term, i) => {
    const shape = ctx.shape(i);
    const extra = shape.length - term.letters.length;
    if (extra < 0 || (extra > 0 && term.ellipsisAt < 0)) ctx.fail(`term ${i} of "${equation}" does not match input shape ${formatDims(shape)}`);
    const ellipsisAt = term.ellipsisAt < 0 ? term.letters.length : term.ellipsisAt;
    ellipses.push(shape.slice(ellipsisAt, ellipsisAt + extra));
    term.letters.forEach((l, j) => {
      const d = shape[j < ellipsisAt ? j : j + extra];
      const seen = sizes.get(l);
      if (seen !== undefined && seen !== d && seen !== 1 && d !== 1) ctx.fail(`index "${l}" has sizes ${seen} and ${d}`);
      sizes.set(l, seen === undefined || seen === 1 ? d : seen);
      counts.set(l, (counts.get(l) ?? 0) + 1);
    });
  });
  const ellipsis = broadcastShapes(ellipses);
  if (typeof ellipsis === 'string') ctx.fail(`"..." dimensions: ${ellipsis}`);
  // Without "->", the output keeps "..." then the letters used once, alphabetically.
  const out = rhs !== undefined
    ? parseTerm(ctx, rhs)
    : { letters: [...counts].filter(([, c]) => c === 1).map(([l]) => l).sort(), ellipsisAt: 0 };
  const shape: number[] = [];
  out.letters.forEach((l, j) => {
    if (j === out.ellipsisAt) shape.push(...ellipsis);
    const d = sizes.get(l);
    if (d === undefined) ctx.fail(`output index "${l}" does not appear in any input`, 'The model is malformed; export it again.');
    shape.push(d);
  });
  if (out.ellipsisAt >= out.letters.length) shape.push(...ellipsis);
  return [{ shape, type: ctx.type(0) }];
};

export const linearRules: RuleTable = { Gemm: gemm, MatMul: matMul, Einsum: einsum };
