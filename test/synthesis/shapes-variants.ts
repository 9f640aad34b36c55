/**
 * Variants of the shapes demo model for synthesis tests. The smooth one: the model made smooth for finite-difference checks: its ReLUs become Softplus
 * and its max pools average pools, so a small step never crosses a kink.
 */
import { readFileSync } from 'node:fs';
import type { ConvlensModel } from '../../src/engine/model.js';
import { loadModel } from '../../src/node/index.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';

export async function smoothShapesModel(): Promise<ConvlensModel> {
  const model = decodeModel(new Uint8Array(readFileSync('models/shapes.onnx')));
  const nodes = model.graph.nodes.map((n) => {
    if (n.opType === 'Relu') return { ...n, opType: 'Softplus' };
    if (n.opType !== 'MaxPool') return n;
    const { kernel_shape, strides, pads } = n.attributes;
    const attributes = Object.fromEntries(Object.entries({ kernel_shape, strides, pads }).filter(([, v]) => v !== undefined));
    return { ...n, opType: 'AveragePool', attributes };
  });
  return loadModel(encodeModel({ ...model, graph: { ...model.graph, nodes } }));
}

/** The shapes model with a free input height and width (its global pooling works at any size). */
export async function anySizeShapesModel(): Promise<ConvlensModel> {
  const model = decodeModel(new Uint8Array(readFileSync('models/shapes.onnx')));
  const inputs = model.graph.inputs.map((v) => (v.shape ? { ...v, shape: [v.shape[0], v.shape[1], 'height', 'width'] } : v));
  return loadModel(encodeModel({ ...model, graph: { ...model.graph, inputs } }), { inputSize: [32, 32] });
}

/** The shapes model with its first ReLU replaced by Floor, which has no gradient. */
export async function flooredShapesModel(): Promise<ConvlensModel> {
  const model = decodeModel(new Uint8Array(readFileSync('models/shapes.onnx')));
  const nodes = model.graph.nodes.map((n) => (n.name === '/features/features.1/Relu' ? { ...n, opType: 'Floor' } : n));
  return loadModel(encodeModel({ ...model, graph: { ...model.graph, nodes } }));
}
