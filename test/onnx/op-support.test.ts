import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConvlensError } from '../../src/errors.js';
import { decodeModel } from '../../src/onnx/codec.js';
import { checkSupportedOps } from '../../src/onnx/op-support.js';
import { shapeInferenceOps } from '../../src/onnx/shapes/index.js';
import type { Graph, Model, OnnxNode } from '../../src/onnx/types.js';

function node(name: string, opType: string, domain = '', attributes: OnnxNode['attributes'] = {}): OnnxNode {
  return { name, opType, domain, inputs: ['x'], outputs: [`${name}_out`], attributes, metadata: {} };
}

function model(nodes: OnnxNode[], functions: unknown[] = []): Model {
  const graph: Graph = { name: 'g', nodes, inputs: [], outputs: [], initializers: new Map(), valueInfo: [] };
  return { irVersion: 8, opsets: [{ domain: '', version: 17 }], producerName: 't', producerVersion: '', graph, metadata: {}, functions };
}

function errorOf(f: () => unknown): ConvlensError {
  try { f(); } catch (e) { if (e instanceof ConvlensError) return e; throw e; }
  throw new Error('expected a ConvlensError');
}

const supported = new Set(['Conv', 'Relu', 'Add', 'If']);

describe('checkSupportedOps', () => {
  it('accepts a model whose ops are all supported, ai.onnx domain spelled either way', () => {
    expect(() => checkSupportedOps(model([node('a', 'Conv'), node('b', 'Relu', 'ai.onnx')]), supported, 'gradients')).not.toThrow();
  });

  it('passes every exported fixture through shape inference\'s op table', () => {
    for (const file of ['resnet_basic.dynamo.onnx', 'vit.legacy.onnx', 'mobilenet_v3.dynamo.onnx']) {
      const m = decodeModel(readFileSync(new URL(`../fixtures/models/${file}`, import.meta.url)), file);
      expect(() => checkSupportedOps(m, shapeInferenceOps, 'shape inference'), file).not.toThrow();
    }
  });

  it('names each unsupported op once, with a few of its nodes and a count of the rest', () => {
    const nodes = [node('c0', 'Conv'), ...[1, 2, 3, 4, 5].map((i) => node(`gelu${i}`, 'Gelu')), node('lrn', 'LRN')];
    const e = errorOf(() => checkSupportedOps(model(nodes), supported, 'gradients'));
    expect(e.code).toBe('UNSUPPORTED_OPS');
    expect(e.message).toContain('The model uses 2 op types not supported for gradients:');
    expect(e.message).toContain('  - Gelu: 5 nodes ("gelu1", "gelu2", "gelu3" and 2 more)');
    expect(e.message).toContain('  - LRN: 1 node ("lrn")');
    expect(e.message).not.toContain('Conv:');
    expect(e.message).toContain('opset 13 to 18');
  });

  it('refuses ops of other domains even when the op type is known, and model-local functions', () => {
    const fused = node('fused', 'Conv', 'com.microsoft');
    const call = node('block', 'MyBlock', 'local');
    const e = errorOf(() => checkSupportedOps(model([fused, call], [{ name: 'MyBlock', domain: 'local' }]), supported, 'Grad-CAM'));
    expect(e.message).toContain('  - com.microsoft.Conv: 1 node ("fused")');
    expect(e.message).toContain('  - local.MyBlock (a model-local function): 1 node ("block")');
    expect(e.message).toContain('do not optimize it for a runtime first');
  });

  it('looks inside If branches, and names unnamed nodes by their output', () => {
    const branch: Graph = { name: 'then', nodes: [{ ...node('', 'Softplus'), outputs: ['sp'] }], inputs: [], outputs: [], initializers: new Map(), valueInfo: [] };
    const e = errorOf(() => checkSupportedOps(model([node('if', 'If', '', { then_branch: { kind: 'graph', value: branch } })]), supported, 'gradients'));
    expect(e.message).toContain('  - Softplus: 1 node ("sp")');
  });
});
