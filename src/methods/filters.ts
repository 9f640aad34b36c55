/**
 * Convolution filters as pictures: the kernels a Conv layer learned, read from the model's
 * weights. Kernels that read the RGB input are drawn in colour; deeper kernels as one gray
 * tile per input channel. Kernels are a few pixels wide, so tiles are upscaled with nearest
 * neighbour to keep each weight a visible square.
 */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import { makeGrid, rowColumnFigure } from '../image/grid.js';
import { tileScale, upscaleNearest } from '../image/tiles.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { tensorToFloat32 } from '../onnx/tensor.js';
import type { OnnxNode, Tensor } from '../onnx/types.js';

export interface FiltersOptions {
  /** `'per-filter'` (default): each filter stretched to its own weight range; `'shared'`: one range for the layer, so magnitudes compare. */
  range?: 'shared' | 'per-filter';
  /** Filters drawn (the first ones); default 64. `weights` always holds them all. */
  maxFilters?: number;
  /** Input channels drawn per filter for deeper layers; default 16. */
  maxInputs?: number;
  /** Screen pixels per weight; default enough for about 32-pixel tiles. */
  scale?: number;
}

export interface FiltersResult {
  /** Name of the Conv node the weights belong to. */
  node: string;
  /** `[O, I/G, kh, kw]` weights as the model holds them (a copy). */
  weights: FloatTensor;
  /** Colour tiles (filters reading the RGB input), or rows = filters x columns = input channels in gray. */
  image: RgbImage;
  /** Filters and input channels drawn (the first ones), out of `weights.shape[0]` and `weights.shape[1]`. */
  shown: { filters: number; inputs: number };
  /** The weight range black-to-white spans with `range: 'shared'`; null when each filter has its own. */
  range: [number, number] | null;
}

function positiveInt(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) throw new ConvlensError('BAD_OPTION', `${name} must be a positive integer, got ${String(value)}.`);
  return value;
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

/** Byte for `v` placed in [lo, hi]; a constant range gives 0, like normalizeMap. */
const toByte = (v: number, lo: number, hi: number) => (hi > lo ? Math.round((255 * (v - lo)) / (hi - lo)) : 0);

function rangeOf(values: Float32Array): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) { if (v < lo) lo = v; if (v > hi) hi = v; }
  return [lo, hi];
}

/** A `kh x kw` tile from per-pixel colours `rgb(y, x)`. */
function tile(kh: number, kw: number, rgb: (y: number, x: number) => [number, number, number]): RgbImage {
  const data = new Uint8ClampedArray(kh * kw * 3);
  for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) data.set(rgb(y, x), (y * kw + x) * 3);
  return { width: kw, height: kh, data };
}

/**
 * The learned kernels of a Conv layer, as data and as a picture. Kernels of a layer that
 * reads the RGB input are colour tiles (one per filter); deeper kernels are gray tiles,
 * one row per filter and one column per input channel. Each weight `w` becomes the byte
 * `round(255 (w - lo) / (hi - lo))` with `[lo, hi]` the filter's (or the layer's) range.
 *
 * @example
 * const first = filters(model, 'conv1');
 * first.weights.shape; // [64, 3, 7, 7]
 * const deeper = filters(model, 'layer1.0.conv1', { range: 'shared', maxFilters: 16, maxInputs: 8 });
 */
export function filters(model: ConvlensModel, layer: string, options: FiltersOptions = {}): FiltersResult {
  const node = convNode(model, layer);
  const w = constantTensor(model, node.inputs[1], node);
  if (w.dims.length !== 4) {
    throw new ConvlensError('BAD_OPTION', `Conv node "${node.name}" has ${w.dims.length - 2}-D kernels (weights [${w.dims.join(', ')}]); only 2-D kernels can be drawn.`);
  }
  const range = options.range ?? 'per-filter';
  if (range !== 'shared' && range !== 'per-filter') throw new ConvlensError('BAD_OPTION', `Filter range must be "shared" or "per-filter", got ${JSON.stringify(range)}.`);
  const weights = { data: tensorToFloat32(w).slice(), shape: [...w.dims] };
  const [O, I, kh, kw] = weights.shape;
  const shownO = Math.min(O, positiveInt(options.maxFilters ?? 64, 'maxFilters'));
  const shownI = Math.min(I, positiveInt(options.maxInputs ?? 16, 'maxInputs'));
  const scale = positiveInt(options.scale ?? tileScale(kh, kw), 'scale');
  const size = I * kh * kw;
  const layerRange = rangeOf(weights.data);
  const filterRange = (o: number) => (range === 'shared' ? layerRange : rangeOf(weights.data.subarray(o * size, (o + 1) * size)));
  const at = (o: number, i: number, y: number, x: number) => weights.data[((o * I + i) * kh + y) * kw + x];
  const labels = Array.from({ length: shownO }, (_, o) => String(o));

  if (I === 3 && node.inputs[0] === model.inputName) {
    // Input channels in the model's order; shown as red, green, blue.
    const rgb = model.preprocessSpec.channelOrder === 'BGR' ? [2, 1, 0] : [0, 1, 2];
    const tiles = labels.map((_, o) => {
      const [lo, hi] = filterRange(o);
      return upscaleNearest(tile(kh, kw, (y, x) => rgb.map((i) => toByte(at(o, i, y, x), lo, hi)) as [number, number, number]), scale);
    });
    return { node: node.name, weights, image: makeGrid(tiles, { labels }), shown: { filters: shownO, inputs: 3 }, range: range === 'shared' ? layerRange : null };
  }
  const gray = (o: number, i: number) => {
    const [lo, hi] = filterRange(o);
    return upscaleNearest(tile(kh, kw, (y, x) => { const v = toByte(at(o, i, y, x), lo, hi); return [v, v, v]; }), scale);
  };
  const about = { shown: { filters: shownO, inputs: shownI }, range: range === 'shared' ? layerRange : null };
  if (I === 1) return { node: node.name, weights, image: makeGrid(labels.map((_, o) => gray(o, 0)), { labels }), ...about };
  const cells = labels.map((_, o) => Array.from({ length: shownI }, (_, i) => gray(o, i)));
  const columnLabels = Array.from({ length: shownI }, (_, i) => `in ${i}`);
  return { node: node.name, weights, image: rowColumnFigure(cells, { rowLabels: labels, columnLabels }), ...about };
}
