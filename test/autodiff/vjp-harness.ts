/**
 * Finite-difference checks for VJP rules. A case is a tiny ONNX graph; the harness compiles
 * its gradient graph with buildGradientGraph, runs it on onnxruntime-node, and compares
 * the gradient of f(x) = <v, y> with central differences of f computed by the forward graph
 * (per element for small inputs, along random directions for larger ones).
 */
import * as ort from 'onnxruntime-node';
import { expect } from 'vitest';
import { int, ints, float, floats, type AttrInput } from '../../src/autodiff/builder.js';
import { buildGradientGraph } from '../../src/autodiff/gradient-graph.js';
import type { ReluRule } from '../../src/autodiff/vjp.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { inferShapes } from '../../src/onnx/shapes/index.js';
import { float32Tensor, int64Tensor } from '../../src/onnx/tensor.js';
import { DataType, type Model, type OnnxNode, type Tensor } from '../../src/onnx/types.js';

export { int, ints, float, floats };

export interface CaseInput {
  shape: number[];
  /** Explicit values; random in [-1, 1) otherwise. */
  values?: number[];
  /** int64 operand (shapes, axes, indices): always a constant. */
  int64?: boolean;
  /** Store as an initializer (a weight) instead of a graph input. */
  initializer?: boolean;
  /** Keep random values at least this far from 0 (for ReLU-like kinks). */
  awayFromZero?: number;
}

export interface CaseNode {
  op: string;
  inputs: string[];
  outputs?: string[];
  attrs?: Record<string, AttrInput>;
}

export interface VjpCase {
  opset?: number;
  inputs: Record<string, CaseInput>;
  nodes: CaseNode[];
  /** Output seeded (default: first output of the last node). */
  output?: string;
  /** Tensors to check (default: every float input and initializer). */
  wrt?: string[];
  relu?: ReluRule;
  /** Compile for kernels that produce MaxPool's Indices output. */
  maxPoolIndices?: boolean;
  eps?: number;
  /** Tolerance relative to the largest gradient magnitude. */
  tol?: number;
  seed?: number;
}

/** Deterministic uniform [0, 1) generator (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const count = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function randomValues(input: CaseInput, next: () => number): number[] {
  if (input.values) return input.values;
  return Array.from({ length: count(input.shape) }, () => {
    let v = next() * 2 - 1;
    if (input.awayFromZero) v = Math.sign(v || 1) * (input.awayFromZero + Math.abs(v));
    return v;
  });
}

export function caseModel(c: VjpCase, values: Record<string, number[]>): Model {
  const initializers = new Map<string, Tensor>();
  const graphInputs = [];
  for (const [name, input] of Object.entries(c.inputs)) {
    if (input.int64) initializers.set(name, int64Tensor(name, input.shape, values[name]));
    else if (input.initializer) initializers.set(name, float32Tensor(name, input.shape, values[name]));
    else graphInputs.push({ name, elemType: DataType.FLOAT, shape: input.shape });
  }
  let k = 0;
  const nodes: OnnxNode[] = c.nodes.map((n, i) => {
    const attributes: OnnxNode['attributes'] = {};
    for (const [key, v] of Object.entries(n.attrs ?? {})) {
      attributes[key] = typeof v === 'number' ? (Number.isInteger(v) ? int(v) : float(v)) : typeof v === 'string' ? { kind: 'string', value: v } : Array.isArray(v) ? ints(v) : v;
    }
    const outputs = n.outputs ?? (i === c.nodes.length - 1 ? ['y'] : [`t${k++}`]);
    return { name: `n${i}_${n.op}`, opType: n.op, domain: '', inputs: n.inputs, outputs, attributes, metadata: {} };
  });
  const output = c.output ?? nodes[nodes.length - 1].outputs[0];
  return {
    irVersion: 8,
    opsets: [{ domain: '', version: c.opset ?? 17 }],
    producerName: 'vjp-harness',
    producerVersion: '',
    graph: { name: 'case', nodes, inputs: graphInputs, outputs: [{ name: output, elemType: DataType.FLOAT, shape: null }], initializers, valueInfo: [] },
    metadata: {},
    functions: [],
  };
}

async function session(model: Model): Promise<ort.InferenceSession> {
  return ort.InferenceSession.create(encodeModel(model), { graphOptimizationLevel: 'disabled' });
}

/**
 * Compiles and runs the gradient of `<seed, output>` for a case; returns the gradients
 * by wrt name plus everything needed to recompute f.
 */
export async function caseGradients(c: VjpCase, seedValues?: number[]) {
  const next = rng(c.seed ?? 7);
  const values: Record<string, number[]> = {};
  for (const [name, input] of Object.entries(c.inputs)) values[name] = randomValues(input, next);
  const model = caseModel(c, values);
  const feedsShapes = Object.fromEntries(model.graph.inputs.map((v) => [v.name, v.shape as number[]]));
  const info = inferShapes(model.graph, c.opset ?? 17, feedsShapes);
  const output = model.graph.outputs[0].name;
  const outShape = info.shapes.get(output)!;
  const v = seedValues ?? Array.from({ length: count(outShape) }, () => next() * 2 - 1);
  const wrt = c.wrt ?? Object.entries(c.inputs).filter(([, i]) => !i.int64).map(([n]) => n);
  const grad = buildGradientGraph(model, info, { wrt, seeds: [{ output, seed: 'seed' }], relu: c.relu, taps: [output], maxPoolIndices: c.maxPoolIndices });
  for (const n of grad.model.graph.nodes) expect(n.domain, `gradient node ${n.opType}`).toBe('');
  const feeds: Record<string, ort.Tensor> = { seed: new ort.Tensor('float32', Float32Array.from(v), outShape) };
  for (const gi of model.graph.inputs) feeds[gi.name] = new ort.Tensor('float32', Float32Array.from(values[gi.name]), gi.shape as number[]);
  const s = await session(grad.model);
  const out = await s.run(feeds);
  const gradients: Record<string, Float32Array> = {};
  for (const name of wrt) gradients[name] = out[grad.gradients.get(name)!].data as Float32Array;
  const y = out[output].data as Float32Array;
  await s.release();
  return { model, values, v, wrt, gradients, y, output, gradModel: grad.model };
}

/** f(values) = <v, y(values)> in float64 from a float32 forward run. */
async function objective(c: VjpCase, v: number[], values: Record<string, number[]>): Promise<number> {
  const model = caseModel(c, values);
  const s = await session(model);
  const feeds: Record<string, ort.Tensor> = {};
  for (const gi of model.graph.inputs) feeds[gi.name] = new ort.Tensor('float32', Float32Array.from(values[gi.name]), gi.shape as number[]);
  const out = await s.run(feeds);
  const y = out[model.graph.outputs[0].name].data as Float32Array;
  await s.release();
  let f = 0;
  for (let i = 0; i < y.length; i++) f += v[i] * y[i];
  return f;
}

/**
 * Asserts that the compiled gradient matches central finite differences.
 *
 * Per-element differences for tensors up to 96 elements; otherwise four random directions
 * (inner-product check: <g, d> against (f(x + eps d) - f(x - eps d)) / 2 eps).
 */
export async function checkVjp(c: VjpCase): Promise<void> {
  const { values, v, wrt, gradients } = await caseGradients(c);
  const eps = c.eps ?? 1e-2;
  const tol = c.tol ?? 2e-3;
  const next = rng((c.seed ?? 7) + 1);
  for (const name of wrt) {
    const g = gradients[name];
    const x = values[name];
    const scale = Math.max(1e-3, ...Array.from(g, Math.abs));
    const directions: number[][] = x.length <= 96
      ? x.map((_, i) => x.map((__, j) => (i === j ? 1 : 0)))
      : Array.from({ length: 4 }, () => x.map(() => next() * 2 - 1));
    for (const d of directions) {
      const plus = await objective(c, v, { ...values, [name]: x.map((xi, i) => xi + eps * d[i]) });
      const minus = await objective(c, v, { ...values, [name]: x.map((xi, i) => xi - eps * d[i]) });
      const fd = (plus - minus) / (2 * eps);
      let analytic = 0;
      let norm = 0;
      for (let i = 0; i < d.length; i++) { analytic += g[i] * d[i]; norm += Math.abs(d[i]); }
      const where = x.length <= 96 ? `element ${d.indexOf(1)}` : 'random direction';
      expect(Math.abs(analytic - fd), `d<v,${c.output ?? 'y'}>/d${name} at ${where}: compiled ${analytic}, finite difference ${fd}`)
        .toBeLessThanOrEqual(tol * scale * Math.max(1, x.length <= 96 ? 1 : Math.sqrt(norm)) + 1e-4);
    }
  }
}
