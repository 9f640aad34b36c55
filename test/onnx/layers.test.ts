import { readdirSync, readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ConvlensError } from '../../src/errors.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';
import { listLayers, resolveLayer, type Layer } from '../../src/onnx/layers.js';
import { inferShapes } from '../../src/onnx/shapes/index.js';
import { DataType, type Model } from '../../src/onnx/types.js';

const fixtures = new URL('../fixtures/', import.meta.url);
const modelFiles = readdirSync(new URL('models/', fixtures)).filter((f) => f.endsWith('.onnx')).sort();

interface Refs { layer: string; layerTensorShape: number[]; inputShape: number[]; arrays: Record<string, { shape: number[]; offset: number; length: number }> }

function refs(model: string): { json: Refs; array(name: string): Float32Array } {
  const json = JSON.parse(readFileSync(new URL(`refs/${model}.json`, fixtures), 'utf8')) as Refs;
  const bin = readFileSync(new URL(`refs/${model}.bin`, fixtures));
  // Offsets and lengths count float32 elements.
  return { json, array: (name) => { const a = json.arrays[name]; return new Float32Array(bin.buffer.slice(bin.byteOffset + a.offset * 4, bin.byteOffset + (a.offset + a.length) * 4)); } };
}

function load(file: string): { model: Model; layers: Layer[] } {
  const model = decodeModel(readFileSync(new URL(`models/${file}`, fixtures)), file);
  const input = model.graph.inputs.find((v) => !model.graph.initializers.has(v.name))!;
  const dims = input.shape!.map((d) => (typeof d === 'number' && d > 0 ? d : 2));
  const info = inferShapes(model.graph, model.opsets.find((o) => o.domain === '')!.version, { [input.name]: dims });
  return { model, layers: listLayers(model, info) };
}

/** Runs `model` on `x` and returns the values of `tensors`, exposed as extra graph outputs. */
async function activations(model: Model, x: Float32Array, shape: number[], tensors: string[]): Promise<Float32Array[]> {
  const probe: Model = { ...model, graph: { ...model.graph, outputs: tensors.map((name) => ({ name, elemType: DataType.FLOAT, shape: null })) } };
  const session = await ort.InferenceSession.create(encodeModel(probe));
  try {
    const out = await session.run({ [model.graph.inputs[0].name]: new ort.Tensor('float32', x, shape) });
    return tensors.map((t) => out[t].data as Float32Array);
  } finally {
    await session.release();
  }
}

function expectValuesClose(actual: Float32Array, expected: Float32Array, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  const scale = Math.max(1e-6, ...expected.map(Math.abs));
  let worst = 0;
  actual.forEach((v, i) => { worst = Math.max(worst, Math.abs(v - expected[i])); });
  expect(worst / scale, `${what}: largest difference ${worst} (scale ${scale})`).toBeLessThan(1e-4);
}

function errorOf(f: () => unknown): ConvlensError {
  try { f(); } catch (e) { if (e instanceof ConvlensError) return e; throw e; }
  throw new Error('expected a ConvlensError');
}

describe('resolving the Grad-CAM layer of every exported model', () => {
  for (const file of modelFiles) {
    it(`${file}: the reference layer is the tensor PyTorch's hook saw`, async () => {
      const ref = refs(file.split('.')[0]);
      const { model, layers } = load(file);
      const tensor = resolveLayer(model, layers, ref.json.layer);
      const layer = layers.find((l) => l.tensor === tensor)!;
      expect(layer.shape).toEqual(ref.json.layerTensorShape);
      expect(layer.module === ref.json.layer || layer.module!.startsWith(`${ref.json.layer}.`)).toBe(true);
      const [got] = await activations(model, ref.array('input'), ref.json.inputShape, [tensor]);
      expectValuesClose(got, ref.array('layer_activation'), `${file} ${ref.json.layer}`);
    });
  }
});

describe('listLayers', () => {
  it('lists activations in execution order, without constants and shape arithmetic', () => {
    const { model, layers } = load('shufflenet.legacy.onnx');
    expect(model.graph.nodes.some((n) => n.opType === 'Shape' || n.opType === 'Constant')).toBe(true);
    expect(layers.map((l) => l.op)).not.toContain('Shape');
    expect(layers.map((l) => l.op)).not.toContain('Constant');
    // shape arithmetic: /stage2/stage2.1/Add adds to a gathered dim, it is no activation.
    expect(layers.map((l) => l.name)).not.toContain('/stage2/stage2.1/Add');
    expect(layers[0]).toEqual({ name: '/conv1/conv1.0/Conv', module: 'conv1.0', op: 'Conv', shape: [2, 8, 32, 32], tensor: '/conv1/conv1.0/Conv_output_0' });
    expect(layers[layers.length - 1]).toMatchObject({ name: '/fc/Gemm', module: 'fc', shape: [2, 10], tensor: 'logits' });
    const position = new Map(model.graph.nodes.map((n, i) => [n.name, i]));
    const order = layers.map((l) => position.get(l.name) ?? position.get(model.graph.nodes.find((n) => n.outputs.includes(l.tensor))!.name)!);
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('gives the same layers for both exports of a network', () => {
    for (const name of ['resnet_basic', 'vit', 'mobilenet_v3']) {
      const legacy = load(`${name}.legacy.onnx`).layers.map((l) => [l.module, l.shape]);
      const dynamo = load(`${name}.dynamo.onnx`).layers.map((l) => [l.module, l.shape]);
      expect(dynamo, name).toEqual(legacy);
    }
  });

  it('lists each float output of a multi-output node; the first under the node name', () => {
    const { layers } = load('shufflenet.dynamo.onnx');
    const split = layers.filter((l) => l.op === 'Split');
    expect(split.slice(0, 2)).toEqual([
      { name: 'node_Split_346', module: 'stage2.1', op: 'Split', shape: [2, 8, 8, 8], tensor: 'split_split_0' },
      { name: 'split_split_1', module: 'stage2.1', op: 'Split', shape: [2, 8, 8, 8], tensor: 'split_split_1' },
    ]);
  });
});

describe('resolveLayer', () => {
  const legacy = load('resnet_basic.legacy.onnx');
  const dynamo = load('resnet_basic.dynamo.onnx');

  it('takes the last layer of a module and its sub-modules', () => {
    const t = resolveLayer(legacy.model, legacy.layers, 'layer4');
    expect(t).toBe('/layer4/layer4.1/relu_1/Relu_output_0');
    expect(legacy.layers.find((l) => l.tensor === t)).toMatchObject({ module: 'layer4.1.relu', op: 'Relu', shape: [2, 16, 2, 2] });
    expect(resolveLayer(legacy.model, legacy.layers, 'layer4.0')).toBe('/layer4/layer4.0/relu_1/Relu_output_0');
    expect(resolveLayer(legacy.model, legacy.layers, 'layer2.0.downsample')).toBe('/layer2/layer2.0/downsample/downsample.0/Conv_output_0');
    expect(resolveLayer(dynamo.model, dynamo.layers, 'layer4')).toBe('relu_16');
  });

  it('accepts node names and tensor names', () => {
    expect(resolveLayer(legacy.model, legacy.layers, '/layer3/layer3.1/conv2/Conv')).toBe('/layer3/layer3.1/conv2/Conv_output_0');
    expect(resolveLayer(legacy.model, legacy.layers, '/layer3/layer3.1/Add_output_0')).toBe('/layer3/layer3.1/Add_output_0');
    expect(resolveLayer(dynamo.model, dynamo.layers, 'node_add_7')).toBe('add_7');
    expect(resolveLayer(dynamo.model, dynamo.layers, 'getitem_3')).toBe('getitem_3');
  });

  it('finds a BatchNorm folded into its Conv under either module name', () => {
    const conv = resolveLayer(dynamo.model, dynamo.layers, 'layer1.0.conv1');
    expect(resolveLayer(dynamo.model, dynamo.layers, 'layer1.0.bn1')).toBe(conv);
    expect(conv).toBe('getitem_3');
  });

  it('picks tensors with the same values in both exports', async () => {
    const ref = refs('resnet_basic');
    const names = ['conv1', 'maxpool', 'layer1.0.conv1', 'layer2.0.downsample', 'layer3', 'layer4.0.relu', 'fc'];
    const [a, b] = await Promise.all([legacy, dynamo].map(({ model, layers }) =>
      activations(model, ref.array('input'), ref.json.inputShape, names.map((n) => resolveLayer(model, layers, n)))));
    names.forEach((n, i) => expectValuesClose(b[i], a[i], n));
    expectValuesClose(a[names.indexOf('fc')], ref.array('logits'), 'logits');
  });

  it('accepts the unique end of a module path, and refuses an ambiguous one', () => {
    const vit = load('vit.legacy.onnx');
    expect(resolveLayer(vit.model, vit.layers, 'head')).toBe('logits');
    const e = errorOf(() => resolveLayer(legacy.model, legacy.layers, 'downsample'));
    expect(e.code).toBe('UNKNOWN_LAYER');
    expect(e.message).toContain('"layer2.0.downsample", "layer3.0.downsample", "layer4.0.downsample"');
  });

  it('lists the closest names for an unknown layer', () => {
    const e = errorOf(() => resolveLayer(legacy.model, legacy.layers, 'layr4', 'resnet.onnx'));
    expect(e.code).toBe('UNKNOWN_LAYER');
    expect(e.message).toMatch(/no layer named "layr4"\. Closest matches: "layer4"/);
    expect(e.message).toContain('convlens layers --model resnet.onnx');
    const matches = e.message.match(/Closest matches: (.*)\. Run/)![1].split(', ');
    expect(matches.length).toBeLessThanOrEqual(5);
    const none = errorOf(() => resolveLayer(legacy.model, legacy.layers, 'transformer.blocks.11.attn'));
    expect(none.message).not.toContain('Closest');
    expect(errorOf(() => resolveLayer(legacy.model, legacy.layers, ' ')).message).toContain('A layer name is needed');
  });

  it('explains that inputs and shape tensors are not layers', () => {
    const shuffle = load('shufflenet.legacy.onnx');
    for (const name of ['/stage2/stage2.1/Shape_output_0', 'input']) {
      const e = errorOf(() => resolveLayer(shuffle.model, shuffle.layers, name));
      expect(e.code).toBe('UNKNOWN_LAYER');
      expect(e.message).toContain('is in the model but is not a layer');
    }
  });
});
