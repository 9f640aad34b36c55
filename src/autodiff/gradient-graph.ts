/**
 * Reverse-mode autodiff compiled to ONNX: from a model and a request, a new model whose
 * extra inputs are target seeds and whose outputs are gradients (and forward taps).
 */
import { ConvlensError } from '../errors.js';
import { onnxOpset } from '../onnx/opset.js';
import { executionOrder, nodeLabel, type ShapeInfo } from '../onnx/shapes/index.js';
import type { Model, OnnxNode, ValueInfo } from '../onnx/types.js';
import { DataType } from '../onnx/types.js';
import { assembleVariant, valueInfo } from '../onnx/variants.js';
import { GraphBuilder } from './builder.js';
import { vjpRules } from './table.js';
import type { ReluRule, VjpContext } from './vjp.js';

export interface GradientSeed {
  /** Forward tensor the seed weights (usually the logits). */
  output: string;
  /** Name of the new graph input that carries the seed; it has the output's shape. */
  seed: string;
  /**
   * Computed inside the graph instead of fed: each item's one-hot of its highest output value
   * (the first, on ties), so explaining the top class needs no forward pass of its own.
   */
  topClass?: boolean;
}

export interface GradientRequest {
  /** Tensors to differentiate with respect to: graph inputs, intermediate tensors or weights. */
  wrt: string[];
  /** The scalar differentiated is the sum over seeds of <seed, output>. */
  seeds: GradientSeed[];
  relu?: ReluRule;
  /**
   * The graph runs on kernels that produce MaxPool's Indices output (onnxruntime's CPU
   * kernels, in Node and WebAssembly; not WebGPU), so MaxPool gradients may read it: a
   * cheaper graph. Default false: a graph every provider runs.
   */
  maxPoolIndices?: boolean;
  /** Forward tensors returned by the same run. */
  taps?: string[];
  /**
   * Several seeds per forward item: the seeds (and gradients) hold `count` items per forward
   * item, item-major, while the forward pass runs once. `batched` names the forward tensors
   * whose dim 0 is the batch; the backward pass reads them repeated `count` times.
   */
  repeats?: { count: number; batched: ReadonlySet<string> };
  /**
   * `wrt` tensors whose gradient is returned averaged over every dim after the channel dim
   * (`[N, C, h, w]` to `[N, C, 1, 1]`): Grad-CAM needs only that, and the graph computes it
   * for a fraction of the cost of copying the whole gradient out.
   */
  spatialMeans?: string[];
  /**
   * Appends nodes that read the gradients and forward tensors (a method's arithmetic on them,
   * done in the graph rather than after it); returns the outputs they add.
   */
  extend?: (g: GradientOutputs) => ValueInfo[];
}

/** What {@link GradientRequest.extend} builds on. */
export interface GradientOutputs {
  b: GraphBuilder;
  /** The tensor holding the gradient of a `wrt` tensor (its spatial means where asked). */
  gradient(wrt: string): string;
  /** A forward tensor, with each item repeated as the seeds' are when several share a forward item. */
  forward(name: string): string;
}

export interface GradientGraph {
  model: Model;
  /** Output name of the gradient of each `wrt` tensor. */
  gradients: Map<string, string>;
}

const PREFIX = 'convlens.grad';

function isFloat(info: ShapeInfo, name: string): boolean {
  return info.types.get(name) === DataType.FLOAT;
}

function opLabel(node: OnnxNode): string {
  return node.domain ? `${node.domain}.${node.opType}` : node.opType;
}

/** Inputs of `node` a gradient can flow to. */
function differentiableInputs(node: OnnxNode): number[] {
  const entry = node.domain === '' ? vjpRules[node.opType] : undefined;
  const all = node.inputs.map((_, i) => i);
  return entry?.differentiable ? all.filter((i) => entry.differentiable!.includes(i)) : all;
}

/**
 * Compiles the gradient graph for `request`. Only nodes on a path from a `wrt` tensor to a
 * seeded output are differentiated; every gradient node uses standard `ai.onnx` ops of the
 * model's own opset, so the result runs on every onnxruntime execution provider.
 *
 * @example
 * const info = inferShapes(model.graph, 17, { input: [1, 3, 224, 224] });
 * const g = buildGradientGraph(model, info, { wrt: ['input'], seeds: [{ output: 'logits', seed: 'seed' }], relu: 'guided' });
 * // run g.model with feeds { input, seed }; fetch g.gradients.get('input')
 */
export function buildGradientGraph(model: Model, info: ShapeInfo, request: GradientRequest): GradientGraph {
  const graph = model.graph;
  const opset = onnxOpset(model);
  const known = (name: string) => info.shapes.has(name);
  for (const name of [...request.wrt, ...request.seeds.map((s) => s.output), ...(request.taps ?? [])]) {
    if (!known(name)) throw new ConvlensError('UNKNOWN_LAYER', `Tensor "${name}" does not exist in the model; list its layers with \`convlens layers --model M.onnx\`.`);
  }
  for (const name of request.wrt) {
    if (!isFloat(info, name)) throw new ConvlensError('NOT_DIFFERENTIABLE', `Tensor "${name}" is not a float tensor, so it has no gradient.`);
  }
  const inputs = graph.inputs.filter((v) => !graph.initializers.has(v.name));
  const order = executionOrder(graph, new Set([...inputs.map((v) => v.name), ...graph.initializers.keys()]));

  // Forward activity: tensors that depend on a wrt tensor through float values.
  const active = new Set(request.wrt);
  for (const i of order) {
    const node = graph.nodes[i];
    if (differentiableInputs(node).some((k) => active.has(node.inputs[k]))) {
      for (const o of node.outputs) if (o && isFloat(info, o)) active.add(o);
    }
  }
  // Backward relevance: active tensors a seeded output depends on.
  const relevant = new Set(request.seeds.map((s) => s.output).filter((o) => active.has(o)));
  const path: number[] = [];
  for (let k = order.length - 1; k >= 0; k--) {
    const node = graph.nodes[order[k]];
    if (!node.outputs.some((o) => relevant.has(o))) continue;
    const ins = differentiableInputs(node).filter((j) => active.has(node.inputs[j]));
    if (ins.length === 0) continue;
    path.push(order[k]);
    for (const j of ins) relevant.add(node.inputs[j]);
  }
  const missing = path.map((i) => graph.nodes[i]).filter((n) => n.domain !== '' || !vjpRules[n.opType]);
  if (missing.length > 0) {
    const list = [...new Set(missing.map((n) => opLabel(n)))].map((op) => {
      const names = missing.filter((n) => opLabel(n) === op).slice(0, 3).map((n) => `"${n.name || n.outputs[0]}"`);
      return `${op} (${names.join(', ')})`;
    });
    throw new ConvlensError('NOT_DIFFERENTIABLE',
      `convlens cannot differentiate through ${list.join('; ')}. Methods that need gradients do not work on this model; `
      + 'occlusion and Score-CAM need no gradients, or re-export the model with standard ops at opset 13-18.');
  }

  const repeat = repeatedTensors(request.repeats, info);
  const b = new GraphBuilder(opset, PREFIX, (name) => {
    const s = info.shapes.get(name) ?? repeat.shapes.get(name);
    if (!s) throw new Error(`no shape for ${name}`);
    return s;
  });
  const view = (name: string) => repeat.view(b, name);
  const gradShape = (name: string) => b.shapeOf(view(name));
  const grads = new Map<string, string[]>();
  const push = (name: string, g: string) => {
    const list = grads.get(name);
    if (list) list.push(g); else grads.set(name, [g]);
  };
  const total = (name: string): string | undefined => {
    const list = grads.get(name);
    if (!list || list.length === 0) return undefined;
    const g = b.sum(list);
    grads.set(name, [g]);
    return g;
  };
  for (const s of request.seeds) {
    if (!relevant.has(s.output)) continue;
    if (s.topClass) topClassSeed(b, s.output, gradShape(s.output), s.seed);
    push(s.output, s.seed);
  }

  const relu = request.relu ?? 'vanilla';
  for (const index of path) {
    const node = graph.nodes[index];
    const gy = node.outputs.map((o) => (o ? total(o) : undefined));
    if (gy.every((g) => g === undefined)) continue;
    const diff = differentiableInputs(node);
    const proxy = repeat.active ? { ...node, inputs: node.inputs.map((n) => (n ? view(n) : n)), outputs: node.outputs.map((n) => (n ? view(n) : n)) } : node;
    const ctx: VjpContext = {
      node: proxy, b, gy, relu, opset, maxPoolIndices: request.maxPoolIndices ?? false,
      needs: (i) => diff.includes(i) && !!node.inputs[i] && active.has(node.inputs[i]) && relevant.has(node.inputs[i]),
      shape: (name) => b.shapeOf(name),
      type: (name) => info.types.get(repeat.source(name)) ?? DataType.FLOAT,
      constValue: (name) => info.values.get(repeat.source(name)),
    };
    let gx: (string | undefined)[];
    try {
      gx = vjpRules[node.opType].rule(ctx);
    } catch (e) {
      if (e instanceof ConvlensError) throw e;
      throw new ConvlensError('NOT_DIFFERENTIABLE',
        `Cannot differentiate node "${nodeLabel(node, index)}" (${node.opType}): ${(e as Error).message}.`, { cause: e });
    }
    gx.forEach((g, i) => { if (g && ctx.needs(i)) push(node.inputs[i], g); });
  }

  const gradients = new Map<string, string>();
  const outputs: ValueInfo[] = (request.taps ?? []).map((t) => valueInfo(t, info.types.get(t) ?? DataType.FLOAT, info.shapes.get(t) ?? []));
  request.wrt.forEach((name, k) => {
    let shape = gradShape(name);
    let g = total(name) ?? b.op('ConstantOfShape', [b.constI(shape)]);
    if (request.spatialMeans?.includes(name) && shape.length > 2) {
      const spatial = shape.slice(2).map((_, i) => i + 2);
      // A gradient that is constant over space (a global pooling's) is its own mean.
      g = b.spatialRepeats.get(g) ?? b.reduceMean(g, spatial, true);
      shape = [...shape.slice(0, 2), ...spatial.map(() => 1)];
    }
    const out = `${PREFIX}.d/${k}/${name}`;
    b.node('Identity', [g], {}, [out]);
    gradients.set(name, out);
    outputs.push(valueInfo(out, DataType.FLOAT, shape));
  });

  if (request.extend) {
    outputs.push(...request.extend({
      b,
      gradient: (wrt) => {
        const g = gradients.get(wrt);
        if (!g) throw new Error(`${wrt} is not among the tensors differentiated`);
        return g;
      },
      forward: view,
    }));
  }

  const seedInputs = request.seeds.filter((s) => !s.topClass).map((s) => valueInfo(s.seed, DataType.FLOAT, gradShape(s.output)));
  const initializers = new Map([...graph.initializers, ...b.initializers]);
  const gradModel = assembleVariant(model, info, {
    nodes: [...order.map((i) => graph.nodes[i]), ...b.nodes],
    initializers,
    extraInputs: seedInputs,
    outputs,
    name: `${graph.name}_grad`,
  });
  return { model: gradModel, gradients };
}

/** `name` := one-hot over each item's flattened `output` of its highest value; ArgMax takes the first on ties. */
function topClassSeed(b: GraphBuilder, output: string, shape: number[], name: string): void {
  const size = shape.slice(1).reduce((a, c) => a * c, 1);
  const flat = shape.length === 2 ? output : b.reshape(output, [shape[0], size]);
  const index = b.op('ArgMax', [flat], { axis: 1, keepdims: 0 });
  const hot = b.op('OneHot', [index, b.constI([size]), b.constF([0, 1])], { axis: -1 });
  b.node('Reshape', [hot, b.constI(shape)], {}, [name]);
}

/**
 * Views of batched forward tensors with each item repeated `count` times, made on first use
 * (Unsqueeze, Expand, Reshape), so the backward pass of several seeds per item can read the
 * forward values of a single forward pass.
 */
function repeatedTensors(repeats: GradientRequest['repeats'], info: ShapeInfo) {
  const views = new Map<string, string>();
  const sources = new Map<string, string>();
  const shapes = new Map<string, number[]>();
  const count = repeats?.count ?? 1;
  return {
    active: count > 1,
    shapes,
    source: (name: string) => sources.get(name) ?? name,
    view(b: GraphBuilder, name: string): string {
      if (count <= 1 || !repeats!.batched.has(name)) return name;
      const hit = views.get(name);
      if (hit) return hit;
      const [n, ...rest] = info.shapes.get(name)!;
      const expanded = b.op('Expand', [b.unsqueeze(name, [1]), b.constI([n, count, ...rest])]);
      const out = b.reshape(expanded, [n * count, ...rest]);
      views.set(name, out);
      sources.set(out, name);
      shapes.set(out, [n * count, ...rest]);
      return out;
    },
  };
}
