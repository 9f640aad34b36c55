/**
 * Convolution filters as data: the kernels a Conv layer learned, read from the model's
 * weights, with their value ranges. render/filter-grid.ts draws them.
 */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { valueRange } from '../numeric/value-range.js';
import { tensorToFloat32 } from '../onnx/tensor.js';
import type { OnnxNode, Tensor } from '../onnx/types.js';

export interface FiltersResult {
  /** The layer name as asked for. */
  layer: string;
  /** Name of the Conv node the weights belong to. */
  node: string;
  /** `[O, I/G, kh, kw]` weights as the model holds them (a copy). */
  weights: FloatTensor;
  /**
   * The model's input channel order when the filters read the image input itself (three
   * channels: they can be drawn in colour); null for deeper filters.
   */
  imageChannels: 'RGB' | 'BGR' | null;
  /** Lowest and highest weight of the layer. */
  range: [number, number];
  /** Lowest and highest weight of each filter (dim 0). */
  filterRanges: [number, number][];
}

/** The Conv node a layer name refers to: the node producing it, or the one Conv inside the named module. */
function convNode(model: ConvlensModel, layer: string): OnnxNode {
  const nodes = model.onnxModel.graph.nodes;
  const producerOf = (tensor: string) => nodes.find((n) => n.outputs.includes(tensor))!;
  const producer = producerOf(model.resolveLayer(layer));
  if (producer.opType === 'Conv') return producer;
  // A module wrapping one convolution (conv + bn + relu) resolves to its last op, not the Conv.
  const convs = model.layers.filter((l) => l.op === 'Conv' && l.module !== null && (l.module === layer || l.module.startsWith(`${layer}.`)));
  if (convs.length === 1) return producerOf(convs[0].tensor);
  const hint = convs.length > 1
    ? `Module "${layer}" holds ${convs.length} convolutions; name one: ${convs.slice(0, 5).map((l) => `"${l.module}"`).join(', ')}${convs.length > 5 ? ', …' : ''}.`
    : 'Name a Conv layer (`convlens layers` lists each layer with its op).';
  throw new ConvlensError('BAD_OPTION', `Layer "${layer}" is the output of a ${producer.opType} node, which has no filters: only Conv layers have kernels to show. ${hint}`);
}

/** The constant tensor feeding `name`: an initializer, a Constant node's value, through Identity nodes. */
function constantTensor(model: ConvlensModel, name: string, node: OnnxNode): Tensor {
  const graph = model.onnxModel.graph;
  const initializer = graph.initializers.get(name);
  if (initializer) return initializer;
  const producer = graph.nodes.find((n) => n.outputs.includes(name));
  const value = producer?.attributes.value;
  if (producer?.opType === 'Constant' && value?.kind === 'tensor') return value.value;
  if (producer?.opType === 'Identity') return constantTensor(model, producer.inputs[0], node);
  throw new ConvlensError('BAD_OPTION',
    `The weights of Conv node "${node.name}" are computed while the model runs (by a ${producer?.opType ?? 'graph input'}), not stored, so there are no fixed filters to show; pick another Conv layer.`);
}

/**
 * The learned kernels of a Conv layer with their value ranges (the layer's and each
 * filter's). A module wrapping one convolution (conv + bn + relu) names its Conv; weights
 * computed while the model runs, and kernels that are not 2-D, are refused with `BAD_OPTION`.
 *
 * @example
 * const first = filters(model, 'conv1');
 * first.weights.shape; // [64, 3, 7, 7]
 * first.imageChannels;  // 'RGB': these read the picture, so filterGrid draws them in colour
 * writeFileSync('conv1.png', encodePng(filtersFigure(first)));
 */
export function filters(model: ConvlensModel, layer: string): FiltersResult {
  const node = convNode(model, layer);
  const w = constantTensor(model, node.inputs[1], node);
  if (w.dims.length !== 4) {
    throw new ConvlensError('BAD_OPTION', `Conv node "${node.name}" has ${w.dims.length - 2}-D kernels (weights [${w.dims.join(', ')}]); only 2-D kernels can be drawn.`);
  }
  const weights = { data: tensorToFloat32(w).slice(), shape: [...w.dims] };
  const [O, I] = weights.shape;
  const size = weights.data.length / O;
  return {
    layer,
    node: node.name,
    weights,
    imageChannels: I === 3 && node.inputs[0] === model.inputName ? (model.preprocessSpec.channelOrder ?? 'RGB') : null,
    range: valueRange(weights.data),
    filterRanges: Array.from({ length: O }, (_, o) => valueRange(weights.data.subarray(o * size, (o + 1) * size))),
  };
}
