import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../src/onnx/codec.js';
import {
  joinLegacyScope, kerasModelScope, legacyScopeParts, moduleFromDynamoMetadata, moduleFromKerasName, nodeModules, parsePythonStringList,
} from '../../src/onnx/layer-names.js';
import { float32Tensor } from '../../src/onnx/tensor.js';
import type { Graph, OnnxNode } from '../../src/onnx/types.js';

const fixture = (file: string) => decodeModel(readFileSync(new URL(`../fixtures/models/${file}`, import.meta.url)), file);

function node(name: string, opType: string, inputs: string[], metadata: Record<string, string> = {}): OnnxNode {
  return { name, opType, domain: '', inputs, outputs: [`${name}_out`], attributes: {}, metadata };
}

function graph(nodes: OnnxNode[], params: string[] = []): Graph {
  const initializers = new Map(params.map((p) => [p, float32Tensor(p, [1], [0])]));
  return { name: 'g', nodes, inputs: [], outputs: [], initializers, valueInfo: [] };
}

/** Modules of named nodes, in the order given. */
function modulesOf(g: Graph): Record<string, string | null> {
  const m = nodeModules(g);
  return Object.fromEntries(g.nodes.map((n, i) => [n.name, m[i].module]));
}

describe('TorchScript exporter names', () => {
  it('splits a node name into scope parts without the op', () => {
    expect(legacyScopeParts('/layer4/layer4.1/conv1/Conv')).toEqual(['layer4', 'layer4.1', 'conv1']);
    expect(legacyScopeParts('/Flatten')).toEqual([]);
    expect(legacyScopeParts('Conv_0')).toBeNull();
  });

  it('rebuilds qualified paths from unqualified scope names', () => {
    expect(joinLegacyScope('', 'layer4')).toBe('layer4');
    expect(joinLegacyScope('layer4', 'layer4.1')).toBe('layer4.1');
    expect(joinLegacyScope('layer4.1', 'conv1')).toBe('layer4.1.conv1');
    // encoder.layers is a Sequential inside encoder: its children are scoped `layers.0`.
    expect(joinLegacyScope('encoder.layers', 'layers.0')).toBe('encoder.layers.0');
    // A ModuleList is never called, so it leaves no scope of its own.
    expect(joinLegacyScope('encoder', 'layers.0')).toBe('encoder.layers.0');
    expect(joinLegacyScope('features.0', 'features.0.1')).toBe('features.0.1');
  });

  it('maps repeated calls (`relu_1`) to the module, unless a parameter says the name is real', () => {
    const g = graph([
      node('/block/relu/Relu', 'Relu', ['x']),
      node('/block/relu_1/Relu', 'Relu', ['a']),
      node('/block/conv/Conv', 'Conv', ['b', 'onnx::Conv_7']),
      node('/block/conv_1/Conv', 'Conv', ['c', 'block.conv_1.weight']),
      node('/head_2/Relu', 'Relu', ['d']),
      node('/Flatten', 'Flatten', ['e']),
    ], ['block.conv_1.weight', 'onnx::Conv_7']);
    expect(modulesOf(g)).toEqual({
      '/block/relu/Relu': 'block.relu',
      '/block/relu_1/Relu': 'block.relu',
      '/block/conv/Conv': 'block.conv',
      '/block/conv_1/Conv': 'block.conv_1',
      '/head_2/Relu': 'head_2', // no sibling `head`: a real module name
      '/Flatten': null,
    });
  });

  it('names the exported resnet and vit layers as PyTorch does', () => {
    const resnet = fixture('resnet_basic.legacy.onnx');
    const m = modulesOf(resnet.graph);
    expect(m['/layer4/layer4.1/relu_1/Relu']).toBe('layer4.1.relu');
    expect(m['/layer4/layer4.0/downsample/downsample.0/Conv']).toBe('layer4.0.downsample.0');
    expect(m['/layer4/layer4.1/Add']).toBe('layer4.1');
    expect(m['/fc/Gemm']).toBe('fc');
    const vit = modulesOf(fixture('vit.legacy.onnx').graph);
    expect(vit['/encoder/layers/layers.1/mlp/mlp.1/Erf']).toBe('encoder.layers.1.mlp.1');
    expect(vit['/encoder/layers/layers.0/self_attention/out_proj/MatMul']).toBe('encoder.layers.0.self_attention.out_proj');
  });

  it('prefers a parameter\'s true name when a module is registered under two names', () => {
    // The fixture's SqueezeNet holds final_conv both as an attribute and as classifier[1].
    const m = modulesOf(fixture('squeezenet.legacy.onnx').graph);
    expect(m['/classifier/final_conv/Conv']).toBe('final_conv');
    expect(m['/classifier/classifier.2/Relu']).toBe('classifier.2');
  });
});

describe('dynamo exporter metadata', () => {
  it('parses Python list literals', () => {
    expect(parsePythonStringList("['', 'layer1', 'layer1.0', 'relu_1']")).toEqual(['', 'layer1', 'layer1.0', 'relu_1']);
    expect(parsePythonStringList('[\'\', "it\'s"]')).toEqual(['', "it's"]);
    expect(parsePythonStringList('not a list')).toBeNull();
  });

  it('takes the innermost module of name_scopes, or of namespace when name_scopes is absent', () => {
    expect(moduleFromDynamoMetadata({ 'pkg.torch.onnx.name_scopes': "['', 'layer4', 'layer4.1', 'layer4.1.relu', 'relu_16']" })).toBe('layer4.1.relu');
    expect(moduleFromDynamoMetadata({ 'pkg.torch.onnx.name_scopes': "['', 'layer4', 'layer4.1', 'add_7']" })).toBe('layer4.1');
    expect(moduleFromDynamoMetadata({ 'pkg.torch.onnx.name_scopes': "['', 'view']" })).toBeNull();
    expect(moduleFromDynamoMetadata({
      namespace: ': __main__.ResNet/layer4: torch.nn.modules.container.Sequential/layer4.1: __main__.BasicBlock/add_7: aten.add.Tensor',
    })).toBe('layer4.1');
    expect(moduleFromDynamoMetadata({})).toBeNull();
  });

  it('files a BatchNorm-folded Conv under its Conv, with the BatchNorm as an alias', () => {
    const g = fixture('googlenet.dynamo.onnx').graph;
    const modules = nodeModules(g);
    const i = g.nodes.findIndex((n) => n.inputs[1] === 'inception5a.branch2.1.conv.weight');
    expect(modules[i]).toEqual({ module: 'inception5a.branch2.1.conv', aliases: ['inception5a.branch2.1.bn'] });
    const relu = g.nodes.findIndex((n) => n.name === 'node_relu_16');
    expect(modules[relu]).toEqual({ module: 'inception4a.branch2.0', aliases: [] });
  });

  it('agrees with the TorchScript export of the same network', () => {
    const legacy = modulesOf(fixture('resnet_basic.legacy.onnx').graph);
    const dynamo = modulesOf(fixture('resnet_basic.dynamo.onnx').graph);
    expect(dynamo.node_relu_16).toBe(legacy['/layer4/layer4.1/relu_1/Relu']);
    expect(dynamo.node_Conv_291).toBe(legacy['/conv1/Conv']); // 'conv1', BatchNorm folded in both
    expect(Object.values(dynamo).sort()).toEqual(Object.values(legacy).sort());
  });

  it('attributes optimizer-made nodes without metadata to the module around their consumers', () => {
    const g = fixture('shufflenet.dynamo.onnx').graph;
    const i = g.nodes.findIndex((n) => n.opType === 'Split');
    expect(g.nodes[i].metadata).toEqual({});
    expect(nodeModules(g)[i].module).toBe('stage2.1');
  });
});

describe('Keras / tf2onnx names', () => {
  it('finds the layer between the model scope and the op', () => {
    expect(moduleFromKerasName('model/conv2d_1/BiasAdd')).toBe('conv2d_1');
    expect(moduleFromKerasName('StatefulPartitionedCall/model/block1_conv1/Relu')).toBe('block1_conv1');
    expect(moduleFromKerasName('StatefulPartitionedCall/sequential/dense/Tensordot/MatMul')).toBe('dense');
    expect(moduleFromKerasName('StatefulPartitionedCall/model/resnet50/conv5_block3_out/Relu')).toBe('resnet50.conv5_block3_out');
    expect(moduleFromKerasName('conv2d/BiasAdd')).toBe('conv2d');
    expect(moduleFromKerasName('model/Flatten__12', 'model')).toBeNull();
    expect(moduleFromKerasName('model/conv2d/BiasAdd', null)).toBe('model.conv2d');
    expect(moduleFromKerasName('Transpose__45')).toBeNull();
  });

  it('finds the model scope shared by all names and leaves it out', () => {
    const g = graph([
      node('StatefulPartitionedCall/model/block1_conv1/Conv2D', 'Conv', ['x']),
      node('StatefulPartitionedCall/model/block1_conv1/Relu', 'Relu', ['a']),
      node('model/flatten/Reshape', 'Reshape', ['b']),
      node('model/Flatten__12', 'Reshape', ['c']),
      node('Identity', 'Identity', ['y']),
    ]);
    expect(kerasModelScope(g.nodes.map((n) => n.name))).toBe('model');
    expect(modulesOf(g)).toEqual({
      'StatefulPartitionedCall/model/block1_conv1/Conv2D': 'block1_conv1',
      'StatefulPartitionedCall/model/block1_conv1/Relu': 'block1_conv1',
      'model/flatten/Reshape': 'flatten',
      'model/Flatten__12': null,
      Identity: null,
    });
  });
});
