/**
 * Test support for shape inference: builds small ONNX graphs and checks inferred shapes,
 * types and folded values against what onnxruntime-node actually produces.
 */
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { encodeModel } from '../../src/onnx/codec.js';
import { inferShapes, type ShapeInfo } from '../../src/onnx/shapes/index.js';
import { float32Tensor, int64Tensor, numbersTensor } from '../../src/onnx/tensor.js';
import { DataType, type Attribute, type Graph, type Model, type Tensor } from '../../src/onnx/types.js';

export const int = (value: number): Attribute => ({ kind: 'int', value });
export const ints = (value: number[]): Attribute => ({ kind: 'ints', value });
export const float = (value: number): Attribute => ({ kind: 'float', value });
export const floats = (value: number[]): Attribute => ({ kind: 'floats', value });
export const str = (value: string): Attribute => ({ kind: 'string', value });
export const tensorAttr = (value: Tensor): Attribute => ({ kind: 'tensor', value });

/** IR version old enough for the opset, so onnxruntime accepts the model. */
function irVersionFor(opset: number): number {
  if (opset <= 8) return 4;
  if (opset <= 12) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

/** Deterministic pseudo-random floats in [-1, 1), so failures reproduce. */
function noise(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export class GraphBuilder {
  readonly graph: Graph = { name: 'test', nodes: [], inputs: [], outputs: [], initializers: new Map(), valueInfo: [] };
  readonly pinned: Record<string, number[]> = {};
  private count = 0;

  constructor(readonly opset: number) {}

  /** A float graph input pinned to `dims`; declared with a symbolic batch like exporters do. */
  input(name: string, dims: number[], elemType: number = DataType.FLOAT): string {
    this.graph.inputs.push({ name, elemType, shape: dims.map((d, i) => (i === 0 ? 'batch' : d)) });
    this.pinned[name] = dims;
    return name;
  }

  weight(dims: number[], name = `w${this.count++}`): string {
    const n = dims.reduce((a, b) => a * b, 1);
    this.graph.initializers.set(name, float32Tensor(name, dims, noise(n, this.count)));
    return name;
  }

  ints(values: number[], dims: number[] = [values.length], name = `c${this.count++}`): string {
    this.graph.initializers.set(name, int64Tensor(name, dims, values));
    return name;
  }

  floats(values: number[], dims: number[] = [values.length], name = `c${this.count++}`): string {
    this.graph.initializers.set(name, float32Tensor(name, dims, values));
    return name;
  }

  constant(values: number[], dims: number[], dataType: number, name = `c${this.count++}`): string {
    this.graph.initializers.set(name, numbersTensor(name, dataType, dims, values));
    return name;
  }

  /** Adds a node and returns its output names (`outputs` of them, or the given names). */
  node(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}, outputs: number | string[] = 1): string[] {
    const id = this.count++;
    const names = typeof outputs === 'number' ? Array.from({ length: outputs }, (_, i) => `${opType.toLowerCase()}${id}_${i}`) : outputs;
    this.graph.nodes.push({ name: `${opType}_${id}`, opType, domain: '', inputs, outputs: names, attributes, metadata: {} });
    return names;
  }

  /** Shortcut for single-output nodes. */
  op(opType: string, inputs: string[], attributes: Record<string, Attribute> = {}): string {
    return this.node(opType, inputs, attributes)[0];
  }

  model(): Model {
    return { irVersion: irVersionFor(this.opset), opsets: [{ domain: '', version: this.opset }], producerName: 'convlens-test', producerVersion: '', graph: this.graph, metadata: {}, functions: [] };
  }

  infer(): ShapeInfo {
    return inferShapes(this.graph, this.opset, this.pinned);
  }
}

export interface RuntimeTensor {
  dims: number[];
  data: number[] | undefined;
}

function feedFor(name: string, elemType: number, dims: number[], seed: number): ort.Tensor {
  const n = dims.reduce((a, b) => a * b, 1);
  switch (elemType) {
    case DataType.FLOAT: return new ort.Tensor('float32', noise(n, seed), dims);
    case DataType.INT64: return new ort.Tensor('int64', new BigInt64Array(n), dims);
    case DataType.INT32: return new ort.Tensor('int32', new Int32Array(n), dims);
    case DataType.BOOL: return new ort.Tensor('bool', new Uint8Array(n), dims);
    default: throw new Error(`test harness cannot feed element type ${elemType} for ${name}`);
  }
}

/**
 * Runs `model` in onnxruntime with every node output exposed as a graph output and returns
 * what the runtime produced for each, keyed by tensor name.
 */
export async function runEverything(model: Model, pinned: Record<string, number[]>, types: ReadonlyMap<string, number>): Promise<Map<string, RuntimeTensor>> {
  const graph = model.graph;
  const declared = new Set(graph.outputs.map((o) => o.name));
  const exposed = graph.nodes.flatMap((n) => n.outputs).filter((o) => o !== '' && !declared.has(o));
  const probe: Model = {
    ...model,
    graph: {
      ...graph,
      // Inputs are declared with the pinned dims, so nothing depends on how symbolic dims survive encoding.
      inputs: graph.inputs.map((v) => (pinned[v.name] ? { ...v, shape: pinned[v.name] } : v)),
      outputs: [...graph.outputs.map((o) => ({ ...o, shape: null })), ...exposed.map((name) => ({ name, elemType: types.get(name) ?? 0, shape: null }))],
    },
  };
  const session = await ort.InferenceSession.create(encodeModel(probe), { graphOptimizationLevel: 'disabled' });
  try {
    const feeds: Record<string, ort.Tensor> = {};
    graph.inputs.filter((v) => !graph.initializers.has(v.name)).forEach((v, i) => {
      feeds[v.name] = feedFor(v.name, v.elemType, pinned[v.name], i + 1);
    });
    const results = await session.run(feeds);
    const out = new Map<string, RuntimeTensor>();
    for (const [name, t] of Object.entries(results)) {
      const numeric = t.type !== 'string';
      out.set(name, { dims: t.dims.map(Number), data: numeric ? Array.from(t.data as ArrayLike<number | bigint>, Number) : undefined });
    }
    return out;
  } finally {
    await session.release();
  }
}

/**
 * Infers shapes for the builder's graph and asserts that every node output's shape, and
 * every folded value, equals what onnxruntime computes.
 */
export async function expectMatchesRuntime(g: GraphBuilder): Promise<ShapeInfo> {
  const info = g.infer();
  const actual = await runEverything(g.model(), g.pinned, info.types);
  for (const node of g.graph.nodes) {
    for (const name of node.outputs) {
      if (name === '') continue;
      const got = actual.get(name);
      expect(got, `runtime output ${name}`).toBeDefined();
      expect({ tensor: name, op: node.opType, shape: info.shapes.get(name) }).toEqual({ tensor: name, op: node.opType, shape: got!.dims });
      const folded = info.values.get(name);
      if (folded && got!.data) {
        expect(folded.length).toBe(got!.data.length);
        folded.forEach((v, i) => {
          if (Number.isNaN(got!.data![i])) expect(v, `${name}[${i}]`).toBeNaN();
          else expect(v, `${name}[${i}]`).toBeCloseTo(got!.data![i], 4);
        });
      }
    }
  }
  return info;
}
