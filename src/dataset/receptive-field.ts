/**
 * Receptive fields computed from the graph: for every spatial tensor, the box of input pixels
 * a unit at (y, x) sees, from the kernels, strides, pads and dilations on every path from the
 * input. Ops that mix all positions (global pooling, attention, dense layers, squeeze-and-
 * excitation gates) make the field the whole input.
 */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import { attrInt, attrInts } from '../onnx/attributes.js';
import type { ShapeInfo } from '../onnx/shapes/index.js';
import { executionOrder } from '../onnx/shapes/order.js';
import { DataType, type OnnxNode } from '../onnx/types.js';
import { axisPadding, windowAttributes } from '../onnx/window.js';

/** Per axis (y then x), per output index: the input pixels `[lo, hi)` it sees. */
interface Axes { lo: [Int32Array, Int32Array]; hi: [Int32Array, Int32Array] }
/** A field that mixes positions: every unit sees this box (the union of what its inputs saw). */
interface Mixed { global: PixelBox }
type Field = Axes | Mixed | 'const';

/** The field of one layer. `local` fields have a box per unit; `global` ones see the whole input. */
export type ReceptiveField =
  | { kind: 'local'; input: [number, number]; size: [number, number]; box(y: number, x: number): PixelBox }
  | { kind: 'global'; input: [number, number]; reason: string; box(y: number, x: number): PixelBox };

/** Input pixels `y0 <= y < y1`, `x0 <= x < x1`. */
export interface PixelBox { y0: number; y1: number; x0: number; x1: number }

const WINDOWED = new Set(['Conv', 'MaxPool', 'AveragePool', 'LpPool']);
/** Ops whose output unit at a position depends only on inputs at the same position. */
const POINTWISE = new Set([
  'Relu', 'LeakyRelu', 'PRelu', 'Sigmoid', 'Tanh', 'Clip', 'HardSigmoid', 'HardSwish', 'Elu', 'Selu', 'Celu', 'Gelu', 'Erf',
  'Softplus', 'Softsign', 'Mish', 'Exp', 'Log', 'Neg', 'Abs', 'Sqrt', 'Reciprocal', 'Floor', 'Ceil', 'Round', 'Sign',
  'Add', 'Sub', 'Mul', 'Div', 'Pow', 'Max', 'Min', 'Sum', 'Mean', 'Where', 'Equal', 'Greater', 'Less',
  'BatchNormalization', 'Identity', 'Dropout', 'Cast', 'Concat', 'Split', 'LRN', 'ThresholdedRelu', 'Not', 'And', 'Or',
]);
/** Ops that let every output unit see every input position. */
const GLOBAL = new Set([
  'GlobalAveragePool', 'GlobalMaxPool', 'GlobalLpPool', 'Gemm', 'MatMul', 'Softmax', 'LogSoftmax', 'InstanceNormalization',
  'LayerNormalization', 'GroupNormalization', 'ReduceMean', 'ReduceMax', 'ReduceSum', 'ReduceMin', 'ReduceL2', 'Attention',
]);

/**
 * The field after a windowed op. Each output index sees the union of the fields of the input
 * indices its window covers; taps on padding see nothing, which is why a border unit's box is
 * not just the nominal kernel arithmetic clipped to the image.
 */
function windowed(node: OnnxNode, inField: Axes, inShape: number[], outShape: number[], weightShape?: number[]): Axes {
  const kernel = attrInts(node, 'kernel_shape') ?? (node.opType === 'Conv' ? weightShape!.slice(2) : []);
  if (kernel.length !== 2) {
    throw new ConvlensError('BAD_OPTION', `Node "${node.name}" (${node.opType}) has a ${kernel.length}-D kernel; receptive fields are computed for 2-D convolutions and pools.`);
  }
  const w = windowAttributes(node, kernel);
  const { strides, dilations } = w;
  const lo: Int32Array[] = [];
  const hi: Int32Array[] = [];
  for (let a = 0; a < 2; a++) {
    const n = inShape[2 + a];
    const m = outShape[2 + a];
    const padBegin = axisPadding(w, a, n, node.opType !== 'Conv').begin;
    lo.push(new Int32Array(m).fill(2 ** 30));
    hi.push(new Int32Array(m).fill(-(2 ** 30)));
    for (let o = 0; o < m; o++) {
      for (let k = 0; k < kernel[a]; k++) {
        const i = o * strides[a] - padBegin + k * dilations[a];
        if (i < 0 || i >= n) continue;
        lo[a][o] = Math.min(lo[a][o], inField.lo[a][i]);
        hi[a][o] = Math.max(hi[a][o], inField.hi[a][i]);
      }
    }
  }
  return { lo: [lo[0], lo[1]], hi: [hi[0], hi[1]] };
}

/** Union of the fields of a pointwise op's operands (they share a grid). */
function union(fields: Axes[]): Axes {
  const pick = (a: 0 | 1) => {
    const m = Math.max(...fields.map((f) => f.lo[a].length));
    const lo = new Int32Array(m).fill(2 ** 30);
    const hi = new Int32Array(m).fill(-(2 ** 30));
    for (const f of fields) {
      for (let o = 0; o < m; o++) {
        lo[o] = Math.min(lo[o], f.lo[a][f.lo[a].length === 1 ? 0 : o]);
        hi[o] = Math.max(hi[o], f.hi[a][f.hi[a].length === 1 ? 0 : o]);
      }
    }
    return [lo, hi] as const;
  };
  const [ly, hy] = pick(0);
  const [lx, hx] = pick(1);
  return { lo: [ly, lx], hi: [hy, hx] };
}

/** Whether a reshape or transpose keeps the last two (spatial) axes in place and unchanged. */
function keepsSpatialAxes(node: OnnxNode, inShape: number[] | undefined, outShape: number[] | undefined): boolean {
  if (!inShape || !outShape || inShape.length < 4 || outShape.length < 4) return false;
  const same = inShape.at(-1) === outShape.at(-1) && inShape.at(-2) === outShape.at(-2) && inShape[0] === outShape[0];
  if (node.opType === 'Transpose') {
    const perm = attrInts(node, 'perm') ?? [];
    return same && perm[0] === 0 && perm.at(-1) === perm.length - 1 && perm.at(-2) === perm.length - 2;
  }
  return same;
}

/** Everything a field's units see together. */
function spread(f: Axes | Mixed): PixelBox {
  if ('global' in f) return f.global;
  const [ly, lx] = f.lo;
  const [hy, hx] = f.hi;
  return { y0: Math.min(...ly), y1: Math.max(...hy), x0: Math.min(...lx), x1: Math.max(...hx) };
}

function mixed(fields: (Axes | Mixed)[]): Mixed {
  const boxes = fields.map(spread);
  return {
    global: {
      y0: Math.min(...boxes.map((b) => b.y0)), y1: Math.max(...boxes.map((b) => b.y1)),
      x0: Math.min(...boxes.map((b) => b.x0)), x1: Math.max(...boxes.map((b) => b.x1)),
    },
  };
}

function fieldOf(node: OnnxNode, inputs: Field[], info: ShapeInfo): Field {
  const live = inputs.filter((f) => f !== 'const');
  if (live.length === 0) return 'const';
  if (live.some((f) => 'global' in f) || GLOBAL.has(node.opType)) return mixed(live);
  const inShape = info.shapes.get(node.inputs[0]);
  const outShape = info.shapes.get(node.outputs[0]);
  if (WINDOWED.has(node.opType)) {
    return windowed(node, live[0] as Axes, inShape!, outShape!, info.shapes.get(node.inputs[1]));
  }
  if ((node.opType === 'Concat' || node.opType === 'Split') && inShape) {
    const axis = attrInt(node, 'axis', 0);
    // Joining or cutting along height or width moves positions.
    if ((axis + inShape.length) % inShape.length >= inShape.length - 2) throw unmodelled(node);
  }
  if (POINTWISE.has(node.opType)) return union(live as Axes[]);
  if ((node.opType === 'Reshape' || node.opType === 'Transpose' || node.opType === 'Flatten' || node.opType === 'Squeeze' || node.opType === 'Unsqueeze')) {
    if (node.opType !== 'Flatten' && keepsSpatialAxes(node, inShape, outShape)) return live[0];
    return mixed(live);
  }
  // Slicing or gathering along channels keeps positions.
  const sameGrid = outShape && inShape && outShape.length === inShape.length && outShape.at(-1) === inShape.at(-1) && outShape.at(-2) === inShape.at(-2);
  if ((node.opType === 'Slice' || node.opType === 'Gather') && sameGrid) return live[0];
  throw unmodelled(node);
}

const unmodelled = (node: OnnxNode) => new ConvlensError('BAD_OPTION',
  `Cannot compute the receptive field through node "${node.name || node.outputs[0]}" (${node.opType}), which moves positions in a way convlens does not model; pick a layer before it.`);

/**
 * The receptive field of a layer: the box of model-input pixels that a unit at (y, x) of the
 * layer's output sees (every pixel that can change it through some path), computed exactly
 * from the graph. Boxes are clipped to the input; units next to a padded border see less.
 * Layers after a global op (global pooling, attention, a dense layer, a squeeze-and-excitation
 * gate) get `kind: 'global'`: each unit sees everything the mixed positions saw, the whole
 * input unless a stride skips its last rows. So do layers after a reshape that leaves the
 * image grid (patch tokens): their fields are not followed, and that box is the bound given.
 *
 * @example
 * const rf = receptiveField(model, 'layer2');
 * rf.kind === 'local' && rf.size; // the widest box in pixels, [height, width]
 * rf.box(0, 0); // the top-left unit's box, e.g. { y0: 0, y1: 10, x0: 0, x1: 10 }
 */
export function receptiveField(model: ConvlensModel, layer: string): ReceptiveField {
  const tensor = model.resolveLayer(layer);
  const info = model.shapeInfo();
  const [H, W] = model.itemShape.slice(1);
  const graph = model.onnxModel.graph;
  const identity = (n: number) => Int32Array.from({ length: n }, (_, i) => i);
  const plusOne = (n: number) => Int32Array.from({ length: n }, (_, i) => i + 1);
  const fields = new Map<string, Field>([[model.inputName, { lo: [identity(H), identity(W)], hi: [plusOne(H), plusOne(W)] }]]);
  const available = new Set([model.inputName, ...graph.initializers.keys()]);
  for (const index of executionOrder(graph, available)) {
    const node = graph.nodes[index];
    const inputs = node.inputs.map((t) => (t === '' || info.values.has(t) ? 'const' : (fields.get(t) ?? 'const')));
    const floatOut = node.outputs.some((o) => info.types.get(o) === DataType.FLOAT && !info.values.has(o));
    const f = inputs.every((x) => x === 'const') || !floatOut ? 'const' : fieldOf(node, inputs, info);
    for (const o of node.outputs) fields.set(o, f);
    if (node.outputs.includes(tensor)) break;
  }
  const f = fields.get(tensor);
  const input: [number, number] = [H, W];
  if (f === undefined || f === 'const') throw new ConvlensError('BAD_OPTION', `Layer "${layer}" does not depend on the model input, so it has no receptive field.`);
  if ('global' in f) {
    const whole = f.global;
    return { kind: 'global', input, reason: 'an op on the way mixes all positions or leaves the image grid (global pooling, attention, a dense layer, a gate, a reshape to tokens)', box: () => ({ ...whole }) };
  }
  const [ly, lx] = f.lo;
  const [hy, hx] = f.hi;
  const box = (y: number, x: number): PixelBox => ({ y0: ly[y], y1: hy[y], x0: lx[x], x1: hx[x] });
  const widest = (lo: Int32Array, hi: Int32Array) => lo.reduce((m, l, i) => Math.max(m, hi[i] - l), 0);
  return { kind: 'local', input, size: [widest(ly, hy), widest(lx, hx)], box };
}
