/** Ops that produce constants or describe shapes: the sources of folded values. */
import type { NodeContext } from './context.js';
import { tensorToNumbers } from '../tensor.js';
import { DataType, type Tensor } from '../types.js';
import { product } from './dims.js';
import { castNumber, smallEnough } from './fold.js';
import type { RuleTable, ShapeRule, TensorFacts } from './types.js';

/** Facts of a stored tensor; its values only when small and held in memory. */
export function tensorFacts(t: Tensor): TensorFacts {
  const facts: TensorFacts = { shape: [...t.dims], type: t.dataType };
  if (t.dataType !== DataType.STRING && !t.external && smallEnough(t.dims)) {
    try {
      facts.value = tensorToNumbers(t);
    } catch {
      // Truncated or exotic-typed bytes: the shape is still right, only the value stays unknown.
    }
  }
  return facts;
}

const constant: ShapeRule = (ctx: NodeContext) => {
  const t = ctx.tensor('value');
  if (t) {
    if (t.external) ctx.fail('its value lives in an external data file that was not loaded', 'Load the model together with its external data files.');
    return [tensorFacts(t)];
  }
  const a = ctx.node.attributes;
  if (a.value_float) return [{ shape: [], type: DataType.FLOAT, value: [castNumber(ctx.float('value_float', 0), DataType.FLOAT)] }];
  if (a.value_floats) {
    const v = ctx.floats('value_floats')!.map((x) => castNumber(x, DataType.FLOAT));
    return [{ shape: [v.length], type: DataType.FLOAT, value: v }];
  }
  if (a.value_int) return [{ shape: [], type: DataType.INT64, value: [ctx.int('value_int', 0)] }];
  if (a.value_ints) {
    const v = ctx.ints('value_ints')!;
    return [{ shape: [v.length], type: DataType.INT64, value: v }];
  }
  if (a.value_string) return [{ shape: [], type: DataType.STRING }];
  if (a.value_strings?.kind === 'strings') return [{ shape: [a.value_strings.value.length], type: DataType.STRING }];
  return ctx.fail('it has no value attribute convlens can read (sparse constants are not supported)',
    'Convert sparse constants to dense ones (onnx.helper) and try again.');
};

const constantOfShape: ShapeRule = (ctx: NodeContext) => {
  const shape = ctx.constant(0, 'target shape');
  if (shape.some((d) => d < 0 || !Number.isInteger(d))) ctx.fail(`target shape [${shape.join(', ')}] is not a list of sizes`);
  const t = ctx.tensor('value');
  const fill = t ? tensorFacts(t) : { shape: [1], type: DataType.FLOAT, value: [0] };
  const value = fill.value && smallEnough(shape) ? new Array<number>(product(shape)).fill(fill.value[0] ?? 0) : undefined;
  return [{ shape, type: fill.type, value }];
};

const shapeOf: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.shape(0);
  const rank = x.length;
  // start/end arrived in opset 15; both clamp rather than fail.
  const clamp = (v: number): number => Math.min(Math.max(v < 0 ? v + rank : v, 0), rank);
  const start = clamp(ctx.int('start', 0));
  const end = ctx.attr('end') === undefined ? rank : clamp(ctx.int('end', rank));
  const value = x.slice(start, Math.max(start, end));
  return [{ shape: [value.length], type: DataType.INT64, value }];
};

const size: ShapeRule = (ctx: NodeContext) => [{ shape: [], type: DataType.INT64, value: [product(ctx.shape(0))] }];

const range: ShapeRule = (ctx: NodeContext) => {
  const [start, limit, delta] = [0, 1, 2].map((i) => ctx.constant(i, ['start', 'limit', 'delta'][i])[0]);
  if (delta === 0) ctx.fail('delta is 0', 'The model is malformed; export it again.');
  const type = ctx.type(0);
  // onnxruntime subtracts in the element type, then divides in double.
  const n = Math.max(Math.ceil(castNumber(limit - start, type) / delta), 0);
  const shape = [n];
  const value = smallEnough(shape) ? Array.from({ length: n }, (_, i) => castNumber(start + i * delta, type)) : undefined;
  return [{ shape, type, value }];
};

export const constantRules: RuleTable = {
  Constant: constant,
  ConstantOfShape: constantOfShape,
  Shape: shapeOf,
  Size: size,
  Range: range,
};
