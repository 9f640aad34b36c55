/**
 * CAM (Zhou et al., 2016): for networks that end in global average pooling followed by linear
 * layers, the class score is a linear function of the pooled channels, so the fc weights of a
 * class, applied to the unpooled channels, show where the score comes from. No gradients.
 */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { attrFloat, attrInt, attrInts } from '../onnx/attributes.js';
import type { ShapeInfo } from '../onnx/shapes/index.js';
import { tensorToFloat32 } from '../onnx/tensor.js';
import type { OnnxNode } from '../onnx/types.js';
import { weightedSum } from './maps.js';
import { camMap, explainedItems, type CamMap, type ExplainedItems, type TargetOptions } from './method-skeleton.js';
import { selectOutput, targetPass } from './passes.js';
import { gatherItems } from './targets.js';

export type ClassActivationMapOptions = TargetOptions;

export type ClassActivationMapResult = CamMap & ExplainedItems;

/** The pooled layer of a global-pool-then-linear head and the linear map from its channels to the output. */
export interface CamHead {
  /** The pooled `[N, C, h, w]` tensor and its layer name (as `model.layers` lists it). */
  tensor: string;
  layer: string;
  /** `[K, C]` row-major: output value j = sum_c weights[j, c] * mean(A_c) + a constant. */
  weights: Float32Array;
  outputs: number;
  channels: number;
}

/** Ops that keep each item's values in order and change only how they are shaped. */
const RESHAPES = new Set(['Flatten', 'Reshape', 'Squeeze', 'Unsqueeze', 'Identity', 'Dropout']);

const itemSize = (shape: number[]) => shape.slice(1).reduce((a, b) => a * b, 1);

/** `left [K, D] x right [D, E]`; a null `left` is the identity. */
function compose(left: Float64Array | null, K: number, right: Float64Array, D: number, E: number): Float64Array {
  if (!left) return right;
  const out = new Float64Array(K * E);
  for (let k = 0; k < K; k++) {
    for (let d = 0; d < D; d++) {
      const a = left[k * D + d];
      if (a === 0) continue;
      for (let e = 0; e < E; e++) out[k * E + e] += a * right[d * E + e];
    }
  }
  return out;
}

/** Whether a ReduceMean averages a 4-D tensor over exactly its H and W axes. */
function reducesSpatialAxes(node: OnnxNode, info: ShapeInfo): boolean {
  const rank = info.shapes.get(node.inputs[0])?.length;
  const axes = attrInts(node, 'axes') ?? (node.inputs[1] ? info.values.get(node.inputs[1]) : undefined);
  if (rank !== 4 || !axes) return false;
  const normalized = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
  return normalized.size === 2 && normalized.has(2) && normalized.has(3);
}

/**
 * Finds the CAM head behind `output`: walks back through linear layers (Gemm, MatMul with a
 * constant matrix, Add of a constant bias) and reshapes to a GlobalAveragePool or a
 * ReduceMean over H and W, composing the linear layers into one `[K, C]` matrix.
 * Throws `NO_CAM_HEAD` when anything else (an activation, a residual Add) is in the way.
 *
 * @example
 * const head = findCamHead(model, model.outputName);
 * head.layer; // '/layer4/layer4.1/relu_1/Relu'
 */
export function findCamHead(model: ConvlensModel, output: string): CamHead {
  const graph = model.onnxModel.graph;
  const info = model.shapeInfo();
  const producer = new Map<string, OnnxNode>();
  for (const n of graph.nodes) for (const o of n.outputs) if (o) producer.set(o, n);
  const isConstant = (name: string) => graph.initializers.has(name) || info.values.has(name);
  const constant = (name: string | undefined): Float32Array | null => {
    if (!name) return null;
    const init = graph.initializers.get(name);
    if (init) return tensorToFloat32(init);
    const folded = info.values.get(name);
    return folded ? Float32Array.from(folded) : null;
  };
  const shapeOf = (name: string) => info.shapes.get(name) ?? [];
  const outputs = itemSize(shapeOf(output));
  const fail = (why: string): never => {
    throw new ConvlensError('NO_CAM_HEAD',
      `CAM needs a model that ends in global average pooling followed by linear layers; the output "${output}" does not (${why}). Use gradcam, which works with any head.`);
  };

  let tensor = output;
  let width = outputs; // per-item size of `tensor`
  let matrix: Float64Array | null = null; // [outputs, width]; null while it is the identity
  for (;;) {
    const node = producer.get(tensor);
    if (!node) return fail(`the walk back from it reached "${tensor}", which no node computes`);
    const label = `${node.opType} node "${node.name || tensor}"`;
    if (node.opType === 'GlobalAveragePool' || (node.opType === 'ReduceMean' && reducesSpatialAxes(node, info))) {
      const pooled = node.inputs[0];
      const shape = shapeOf(pooled);
      if (shape.length !== 4 || shape[1] !== width) return fail(`${label} pools [${shape.join(', ')}] into ${width} values`);
      const weights = matrix ? Float32Array.from(matrix) : identity(width);
      const layer = model.layers.find((l) => l.tensor === pooled)?.name ?? pooled;
      return { tensor: pooled, layer, weights, outputs, channels: width };
    }
    if (RESHAPES.has(node.opType)) {
      const from = node.inputs[0];
      if (itemSize(shapeOf(from)) !== width || shapeOf(from)[0] !== shapeOf(tensor)[0]) return fail(`${label} mixes items of the batch`);
      tensor = from;
    } else if (node.opType === 'Gemm' || node.opType === 'MatMul') {
      const gemm = node.opType === 'Gemm';
      const B = constant(node.inputs[1]);
      const dims = shapeOf(node.inputs[1]);
      const transA = gemm && attrInt(node, 'transA', 0) === 1;
      if (!B || dims.length !== 2 || transA || shapeOf(node.inputs[0]).length !== 2) return fail(`${label} is not a linear layer with constant weights`);
      const transB = gemm && attrInt(node, 'transB', 0) === 1;
      const alpha = gemm ? attrFloat(node, 'alpha', 1) : 1;
      const [inputs, outs] = transB ? [dims[1], dims[0]] : dims;
      // y = alpha * x op(B): dy_j/dx_i = alpha * op(B)[i, j]
      const jacobian = new Float64Array(outs * inputs);
      for (let j = 0; j < outs; j++) for (let i = 0; i < inputs; i++) jacobian[j * inputs + i] = alpha * B[transB ? j * inputs + i : i * outs + j];
      matrix = compose(matrix, outputs, jacobian, outs, inputs);
      width = inputs;
      tensor = node.inputs[0];
    } else if (node.opType === 'Add') {
      // A constant bias moves every score of a class equally; it has no place in the map.
      const dynamic = node.inputs.filter((i) => !isConstant(i));
      if (dynamic.length !== 1 || itemSize(shapeOf(dynamic[0])) !== width) return fail(`${label} adds two computed tensors`);
      tensor = dynamic[0];
    } else {
      return fail(`the walk back from it stopped at ${label}`);
    }
  }
}

function identity(n: number): Float32Array {
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

/**
 * Class activation map: the fc weights of the target class applied to the channels of the
 * layer the model pools globally, `relu(sum_k w_ck A_k)` (bias left out). A weights target
 * weighs the class rows. The model's head is found by itself; models without a
 * global-pool-then-linear head get `NO_CAM_HEAD` (use Grad-CAM there).
 *
 * @example
 * const cam = await classActivationMap(model, x, { target: 281 });
 * cam.layer;         // '/layer4/layer4.1/relu_1/Relu'
 * cam.map.shape;     // [1, 224, 224]
 */
export async function classActivationMap(model: ConvlensModel, x: FloatTensor, options: ClassActivationMapOptions = {}): Promise<ClassActivationMapResult> {
  model.checkInput(x);
  const head = findCamHead(model, selectOutput(model, options.output));
  // The forward pass is all the work, so it reports the progress.
  const { output, targets, tensors: r } = await targetPass(model, x, options, [head.tensor], options);
  const M = targets.image.length;
  const { outputs: K, channels: C } = head;
  // Channel weights per item: the item's seed times the head matrix.
  const weights = new Float32Array(M * C);
  for (let m = 0; m < M; m++) {
    for (let j = 0; j < K; j++) {
      const s = targets.seeds.data[m * K + j];
      if (s === 0) continue;
      for (let c = 0; c < C; c++) weights[m * C + c] += s * head.weights[j * C + c];
    }
  }
  const raw = weightedSum(gatherItems(r[head.tensor], targets.image), weights);
  return { ...camMap(model, head.layer, raw), ...explainedItems(targets, gatherItems(r[output], targets.image)) };
}
