/**
 * Pooling: MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool. Each channel is pooled
 * as its own image ([N*C, 1, ...]) so window kernels stay tiny and channel-free. Max
 * gradients go to the first maximum of each window in row-major order (PyTorch's
 * tie-breaking). Where the kernels can (onnxruntime's CPU kernels, from opset 16) that
 * maximum comes from MaxPool's Indices output; elsewhere (onnxruntime-web's WebGPU provider
 * cannot produce Indices) from ArgMax over the gathered windows.
 */
import { float } from '../builder.js';
import type { VjpContext, VjpEntry } from '../vjp.js';
import { attrInt, attrInts } from '../../onnx/attributes.js';
import { broadcastTo } from './blocked-layout.js';
import { scatterAttrs, windowAxes, type WindowAxis } from './window.js';

const LOWEST_FLOAT = -3.4028234663852886e38;

function poolAxes(ctx: VjpContext): WindowAxis[] {
  const kernel = attrInts(ctx.node, 'kernel_shape');
  if (!kernel) throw new Error('the pooling node has no kernel_shape');
  return windowAxes(ctx.node, ctx.shape(ctx.node.inputs[0]), ctx.shape(ctx.node.outputs[0]), kernel, true);
}

/**
 * Scatters per-cell window gradients [N*C, cells, ...out] back to the input shape: the
 * adjoint of gathering the windows with a Conv by `weight` ([cells, 1, ...kernel]).
 */
function scatter(ctx: VjpContext, cells: string, weight: string, axes: WindowAxis[]): string {
  const dx = ctx.b.conv('ConvTranspose', [cells, weight], axes.map((a) => a.kernel), scatterAttrs(axes));
  return ctx.b.reshape(dx, ctx.shape(ctx.node.inputs[0]));
}

/** The first maximum along `axis` (of length `count`) as a one-hot boolean along that axis. */
function firstMax(ctx: VjpContext, x: string, axis: number, count: number, rank: number): string {
  const { b } = ctx;
  const arg = b.op('ArgMax', [x], { axis, keepdims: 1 });
  const ids = Array.from({ length: count }, (_, i) => i);
  return b.op('Equal', [arg, b.constI(ids, [count, ...new Array<number>(rank - axis - 1).fill(1)])]);
}

/**
 * gy added at the input positions MaxPool's Indices output names: a second MaxPool with
 * Indices, then ScatterElements with reduction add into zeros (overlapping windows can pick
 * the same position). Indices count from the start of the whole tensor, batch and channel
 * included, in row-major order (storage_order 0). ResNet-50's saliency graph (batch 8, 2
 * threads, tools/bench/gradients-ab.ts) went from 749-761 ms with the windows form to 719-723.
 */
function maxPoolByIndices(ctx: VjpContext): string {
  const { b, node } = ctx;
  const x = node.inputs[0];
  const shape = ctx.shape(x);
  const [, indices] = b.node('MaxPool', [x], { ...node.attributes, storage_order: 0 }, 2);
  const zeros = b.op('ConstantOfShape', [b.constI([shape.reduce((s, d) => s * d, 1)])]);
  const dx = b.op('ScatterElements', [zeros, b.reshape(indices, [-1]), b.reshape(ctx.gy[0]!, [-1])], { axis: 0, reduction: 'add' });
  return b.reshape(dx, shape);
}

/** The first maximum of each window from ArgMax over the windows gathered by a Conv. */
function maxPoolByWindows(ctx: VjpContext): string {
  const { b } = ctx;
  const x = ctx.node.inputs[0];
  const axes = poolAxes(ctx);
  const [n, c] = ctx.shape(x);
  // Padding with the lowest float keeps padded cells from ever being the maximum.
  const pads = [0, 0, ...axes.map((a) => a.begin), 0, 0, ...axes.map((a) => Math.max(0, a.reach))];
  const padded = pads.every((p) => p === 0) ? x
    : ctx.opset >= 11 ? b.op('Pad', [x, b.constI(pads), b.scalarF(LOWEST_FLOAT)], { mode: 'constant' })
      : b.op('Pad', [x], { pads, mode: 'constant', value: float(LOWEST_FLOAT) });
  // A Conv by one-hot kernels gathers every window into [N*C, cells, ...out] in one op
  // (products by 0 and 1 and sums with 0 are exact; strided Slices plus a Concat ran 3x
  // slower). Cell k is the kernel's k-th in row-major order, the order ArgMax breaks ties in.
  const cells = axes.reduce((s, a) => s * a.kernel, 1);
  const oneHot = new Float32Array(cells * cells);
  for (let k = 0; k < cells; k++) oneHot[k * cells + k] = 1;
  const weight = b.constF(oneHot, [cells, 1, ...axes.map((a) => a.kernel)]);
  const images = b.reshape(padded, [n * c, 1, ...axes.map((a) => a.input + a.begin + Math.max(0, a.reach))]);
  const windows = b.conv('Conv', [images, weight], axes.map((a) => a.kernel), { strides: axes.map((a) => a.stride), dilations: axes.map((a) => a.dilation) });
  const winner = firstMax(ctx, windows, 1, cells, axes.length + 2);
  const gy = b.reshape(ctx.gy[0]!, [n * c, 1, ...axes.map((a) => a.output)]);
  return scatter(ctx, b.op('Where', [winner, gy, b.scalarF(0)]), weight, axes);
}

/** Number of window cells onnxruntime divides by, per output position along one axis. */
function divisors(a: WindowAxis, includePad: boolean): number[] {
  const lo = includePad ? -a.begin : 0;
  const hi = includePad ? a.input + a.declaredEnd : a.input;
  return Array.from({ length: a.output }, (_, o) => {
    let n = 0;
    for (let k = 0; k < a.kernel; k++) {
      const p = o * a.stride - a.begin + k * a.dilation;
      if (p >= lo && p < hi) n++;
    }
    return n;
  });
}

function averagePool(ctx: VjpContext): string {
  const { b } = ctx;
  const axes = poolAxes(ctx);
  const includePad = attrInt(ctx.node, 'count_include_pad', 0) === 1;
  // Divisors are separable: the product of per-axis counts, known at compile time.
  let counts = [1];
  for (const a of axes) counts = counts.flatMap((c) => divisors(a, includePad).map((d) => c * d));
  const [n, c] = ctx.shape(ctx.node.inputs[0]);
  const outSpatial = axes.map((a) => a.output);
  const scaled = counts.every((d) => d === counts[0])
    ? b.op('Mul', [ctx.gy[0]!, b.scalarF(1 / counts[0])])
    : b.op('Mul', [ctx.gy[0]!, b.constF(Float32Array.from(counts, (d) => 1 / d), outSpatial)]);
  const size = axes.reduce((s, a) => s * a.kernel, 1);
  const ones = b.constF(new Float32Array(size).fill(1), [1, 1, ...axes.map((a) => a.kernel)]);
  return scatter(ctx, b.reshape(scaled, [n * c, 1, ...outSpatial]), ones, axes);
}

export const poolRules: Record<string, VjpEntry> = {
  MaxPool: { differentiable: [0], rule: (ctx) => [ctx.maxPoolIndices && ctx.opset >= 16 ? maxPoolByIndices(ctx) : maxPoolByWindows(ctx)] },
  AveragePool: { rule: (ctx) => [averagePool(ctx)] },
  GlobalAveragePool: {
    rule: (ctx) => {
      const { b } = ctx;
      const shape = ctx.shape(ctx.node.inputs[0]);
      const size = shape.slice(2).reduce((s, d) => s * d, 1);
      return [broadcastTo(ctx, b.op('Mul', [ctx.gy[0]!, b.scalarF(1 / size)]), ctx.shape(ctx.node.outputs[0]), shape)];
    },
  },
  GlobalMaxPool: {
    rule: (ctx) => {
      const { b } = ctx;
      const shape = ctx.shape(ctx.node.inputs[0]);
      const [n, c] = shape;
      const size = shape.slice(2).reduce((s, d) => s * d, 1);
      const winner = firstMax(ctx, b.reshape(ctx.node.inputs[0], [n, c, size]), 2, size, 3);
      const routed = b.op('Where', [winner, b.reshape(ctx.gy[0]!, [n, c, 1]), b.scalarF(0)]);
      return [b.reshape(routed, shape)];
    },
  },
};
