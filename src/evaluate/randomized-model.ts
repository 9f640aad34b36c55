/**
 * Copies of a model with some layers' weights replaced by random values, for the model
 * parameter randomization test. A copy is a new Model object with its own initializer map;
 * the user's model, its graph and its weight bytes are never modified.
 */
import { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import { seededNormal, seededUint32 } from '../numeric/seeded-random.js';
import { nodeModules } from '../onnx/layer-names.js';
import { float32Tensor, tensorToFloat32 } from '../onnx/tensor.js';
import { DataType, type Tensor } from '../onnx/types.js';

/** A layer with learned weights, in execution order. */
export interface WeightLayer {
  /** Module path when the exporter recorded one, else the node name. */
  name: string;
  op: string;
  /** Initializers randomized with the layer. */
  weights: string[];
}

/** Ops whose initializers are learned parameters, and which of their inputs are (BatchNorm's running statistics are not). */
const learned: Record<string, number[]> = {
  Conv: [1, 2], ConvTranspose: [1, 2], Gemm: [1, 2], MatMul: [0, 1],
  BatchNormalization: [1, 2], InstanceNormalization: [1, 2], LayerNormalization: [1, 2],
};

/**
 * The layers of `model` that hold learned weights, in graph order (input side first).
 *
 * @example
 * weightLayers(model).map((l) => l.name); // ['features.0', 'features.3', ..., 'classifier.6']
 */
export function weightLayers(model: ConvlensModel): WeightLayer[] {
  const { graph } = model.onnxModel;
  const modules = nodeModules(graph);
  const layers: WeightLayer[] = [];
  const taken = new Set<string>();
  graph.nodes.forEach((node, i) => {
    const weights = (learned[node.opType] ?? [])
      .map((k) => node.inputs[k])
      .filter((name) => name && !taken.has(name) && graph.initializers.get(name)?.dataType === DataType.FLOAT && (graph.initializers.get(name)?.dims.length ?? 0) > 0);
    if (weights.length === 0) return;
    weights.forEach((w) => taken.add(w));
    layers.push({ name: modules[i].module ?? (node.name || node.outputs[0]), op: node.opType, weights });
  });
  return layers;
}

/** Random values with the mean and standard deviation of the trained tensor, so activations keep their scale. */
function randomLike(t: Tensor, seed: number): Tensor {
  const values = tensorToFloat32(t);
  let mean = 0;
  for (const v of values) mean += v;
  mean /= values.length;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2;
  const std = values.length > 1 ? Math.sqrt(variance / values.length) : Math.abs(mean);
  const normal = seededNormal(seed);
  return float32Tensor(t.name, t.dims, Float32Array.from(values, () => mean + std * normal()));
}

/**
 * A copy of `model` whose listed layers have random weights. Each initializer's values come
 * from a stream seeded by `seed` and its position in the weight list, so a layer gets the same
 * random weights whatever else is randomized with it (cascading and independent runs agree).
 * Dispose the copy when done.
 *
 * @example
 * const layers = weightLayers(model);
 * const top = await randomizedModel(model, layers.slice(-2), 7);
 */
export function randomizedModel(model: ConvlensModel, layers: WeightLayer[], seed = 0): ConvlensModel {
  const all = weightLayers(model).flatMap((l) => l.weights);
  const base = seededUint32(seed)();
  const initializers = new Map(model.onnxModel.graph.initializers);
  for (const name of layers.flatMap((l) => l.weights)) {
    const index = all.indexOf(name);
    if (index < 0) throw new ConvlensError('BAD_OPTION', `"${name}" is not a learned weight of this model; pick layers from weightLayers(model).`);
    initializers.set(name, randomLike(initializers.get(name)!, (base ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0));
  }
  const copy = { ...model.onnxModel, graph: { ...model.onnxModel.graph, initializers } };
  const spec = model.preprocessSpec;
  const preprocess = spec.preset ? { preset: spec.preset } : { mean: spec.mean!, std: spec.std!, scale: spec.scale };
  return new ConvlensModel(copy, model.engine.runtime, {
    preprocess: { ...preprocess, channelOrder: spec.channelOrder }, inputSize: spec.size, resize: spec.resize, labels: model.labels ? [...model.labels] : undefined,
  });
}
