/**
 * ReLU-family rules. Saliency variants differ only here, so every op that acts as a ReLU
 * (Relu, and Clip with a lower bound of 0 as ReLU6 exports) follows the requested rule.
 * Masks read the op's output, not its input (x > 0 exactly where relu(x) > 0): a Conv
 * output read by nothing but its ReLU lets onnxruntime fuse the two in the forward pass.
 */
import type { VjpContext, VjpEntry } from '../vjp.js';
import { attrFloat } from '../../onnx/attributes.js';
import { optionalInput } from '../vjp.js';
import { positiveMask } from './blocked-layout.js';

/** Applies the ReLU rule to `gy` given the float mask of where the forward input passed. */
function reluGradient(ctx: VjpContext, gy: string, mask: () => string): string {
  const { b } = ctx;
  if (ctx.relu === 'deconvnet') return b.op('Relu', [gy]);
  const g = ctx.relu === 'guided' ? b.op('Relu', [gy]) : gy;
  const m = mask();
  const masked = b.op('Mul', [g, m]);
  if (ctx.relu !== 'redirected') return masked;
  const rank = ctx.shape(ctx.node.inputs[0]).length;
  const up = b.op('Max', [m, b.maskOf(b.op('Greater', [gy, b.scalarF(0)]))]);
  const energy = b.reduceSum(b.op('Mul', [masked, masked]), Array.from({ length: rank - 1 }, (_, i) => i + 1), true);
  return b.op('Where', [b.op('Greater', [energy, b.scalarF(0)]), masked, b.op('Mul', [gy, up])]);
}

function clipBounds(ctx: VjpContext): { min?: string; max?: string; minValue?: number; maxValue?: number } {
  const { node, b } = ctx;
  if (ctx.opset < 11) {
    const min = attrFloat(node, 'min', -3.4028234663852886e38);
    const max = attrFloat(node, 'max', 3.4028234663852886e38);
    return { min: b.scalarF(min), max: b.scalarF(max), minValue: min, maxValue: max };
  }
  const min = optionalInput(node, 1);
  const max = optionalInput(node, 2);
  const single = (name?: string) => {
    const values = name ? ctx.constValue(name) : undefined;
    return values?.length === 1 ? values[0] : undefined;
  };
  return { min, max, minValue: single(min), maxValue: max ? single(max) : Infinity };
}

export const reluRules: Record<string, VjpEntry> = {
  Relu: {
    rule: (ctx) => [reluGradient(ctx, ctx.gy[0]!, () => positiveMask(ctx, ctx.node.outputs[0]))],
  },
  Clip: {
    differentiable: [0],
    rule: (ctx) => {
      const { b } = ctx;
      const { min, max, minValue, maxValue } = clipBounds(ctx);
      // With min < max the clipped output is strictly inside the bounds exactly where the input is.
      const x = minValue !== undefined && maxValue !== undefined && minValue < maxValue ? ctx.node.outputs[0] : ctx.node.inputs[0];
      const inside = () => {
        const above = min ? b.op('Greater', [x, min]) : undefined;
        const below = max ? b.op('Less', [x, max]) : undefined;
        const both = above && below ? b.op('And', [above, below]) : (above ?? below);
        return b.maskOf(both!);
      };
      if (!min && !max) return [ctx.gy[0]];
      if (minValue === 0) return [reluGradient(ctx, ctx.gy[0]!, inside)];
      return [b.op('Mul', [ctx.gy[0]!, inside()])];
    },
  },
};
