/**
 * Guided Grad-CAM (Selvaraju et al.): guided backpropagation, sharp but not class-selective,
 * multiplied by the upsampled Grad-CAM map, coarse but class-selective. Both gradients come
 * from one compiled graph: a shared forward pass feeding two backward passes (standard ReLU
 * rule down to the layer, guided rule down to the input), so the pair costs one run.
 */
import { buildGradientGraph } from '../autodiff/gradient-graph.js';
import type { ProgressOptions } from '../engine/engine.js';
import type { ConvlensModel } from '../engine/model.js';
import type { FloatTensor } from '../image/types.js';
import { executionOrder, type ShapeInfo } from '../onnx/shapes/index.js';
import type { Model, OnnxNode } from '../onnx/types.js';
import { assembleVariant } from '../onnx/variants.js';
import { defaultCamLayer, gradCamRule, spatialLayer } from './cam.js';
import type { ExplainedItems } from './gradients.js';
import { maxAbsOverChannels, normalizeItems, upsampleItems } from './maps.js';
import { forward, itemShapeOf, selectOutput } from './passes.js';
import { gatherItems, needsScores, resolveTargets, type Target } from './targets.js';

export interface GuidedGradCamOptions extends ProgressOptions {
  /** Layer for the Grad-CAM factor (module path, node or tensor name); default: the last spatial layer. */
  layer?: string;
  target?: Target;
  /** Model output the target refers to (default: the first). */
  output?: string;
}

export interface GuidedGradCamResult extends ExplainedItems {
  /** The Grad-CAM layer, as given. */
  layer: string;
  /** `[M, C, H, W]` guided input gradient times the item's upsampled Grad-CAM map (in [0, 1]). */
  raw: FloatTensor;
  /** `[M, H, W]` max |raw| over channels, each item scaled to [0, 1]. */
  map: FloatTensor;
}

const SEED = 'convlens.seed';

/**
 * One model computing every part's outputs: the forward nodes once, each part's own
 * (gradient) nodes and constants renamed apart, since every part was built with the same
 * generated names. Returns the model and, per part, how its tensor names changed.
 */
function mergeVariants(model: Model, info: ShapeInfo, parts: Model[]): { model: Model; renamed: ((name: string) => string)[] } {
  const graph = model.graph;
  const original = new Set(graph.nodes);
  const available = new Set([...graph.inputs.map((v) => v.name), ...graph.initializers.keys()]);
  const nodes: OnnxNode[] = executionOrder(graph, available).map((i) => graph.nodes[i]);
  const initializers = new Map(graph.initializers);
  const renamed = parts.map((part, p) => {
    const names = new Map<string, string>();
    const own = part.graph.nodes.filter((n) => !original.has(n));
    const rename = (name: string) => names.get(name) ?? name;
    for (const n of own) for (const o of n.outputs) if (o) names.set(o, `convlens.part${p}/${o}`);
    for (const name of part.graph.initializers.keys()) if (!graph.initializers.has(name)) names.set(name, `convlens.part${p}/${name}`);
    for (const n of own) nodes.push({ ...n, name: `convlens.part${p}/${n.name}`, inputs: n.inputs.map(rename), outputs: n.outputs.map(rename) });
    for (const [name, t] of part.graph.initializers) if (!graph.initializers.has(name)) initializers.set(rename(name), { ...t, name: rename(name) });
    return rename;
  });
  const outputs = parts.flatMap((part, p) => part.graph.outputs.map((v) => ({ ...v, name: renamed[p](v.name) })));
  const merged = assembleVariant(model, info, {
    nodes,
    initializers,
    extraInputs: parts[0].graph.inputs.filter((v) => v.name === SEED),
    outputs,
    name: `${graph.name}_guided_gradcam`,
  });
  return { model: merged, renamed };
}

/**
 * Guided Grad-CAM: guided backpropagation times the upsampled Grad-CAM map of `layer`,
 * channel by channel. One forward pass and two backward passes, compiled into one graph.
 *
 * @example
 * const ggc = await guidedGradCam(model, x, { layer: 'layer4', target: 281 });
 * ggc.raw.shape; // [1, 3, 224, 224]
 */
export async function guidedGradCam(model: ConvlensModel, x: FloatTensor, options: GuidedGradCamOptions = {}): Promise<GuidedGradCamResult> {
  model.checkInput(x);
  const { name, tensor } = spatialLayer(model, options.layer ?? defaultCamLayer(model));
  const output = selectOutput(model, options.output);
  const { signal, onProgress } = options;
  const scores0 = needsScores(options.target) ? (await forward(model, x, [output], { signal }))[output] : undefined;
  const targets = resolveTargets(options.target, { images: x.shape[0], outputShape: itemShapeOf(model, output), scores: scores0, labels: model.labels });
  const input = model.inputName;
  const out = await model.engine.run({
    key: `guided-gradcam|${tensor}|${output}`,
    compile: (info) => {
      const seeds = [{ output, seed: SEED }];
      const cam = buildGradientGraph(model.graph, info, { wrt: [tensor], seeds, relu: 'standard', taps: [tensor, output] });
      const guided = buildGradientGraph(model.graph, info, { wrt: [input], seeds, relu: 'guided' });
      const merged = mergeVariants(model.graph, info, [cam.model, guided.model]);
      return {
        model: merged.model,
        outputs: { activations: tensor, scores: output, layerGradient: merged.renamed[0](cam.gradients.get(tensor)!), inputGradient: merged.renamed[1](guided.gradients.get(input)!) },
      };
    },
    batched: { [input]: gatherItems(x, targets.image), [SEED]: targets.seeds },
    results: { activations: 'concat', scores: 'concat', layerGradient: 'concat', inputGradient: 'concat' },
    signal,
    onProgress,
  });
  const [M, C, H, W] = out.inputGradient.shape;
  const cam = normalizeItems(upsampleItems(gradCamRule(out.activations, out.layerGradient), H, W));
  const plane = H * W;
  const data = new Float32Array(M * C * plane);
  for (let m = 0; m < M; m++) {
    for (let c = 0; c < C; c++) {
      const base = (m * C + c) * plane;
      for (let i = 0; i < plane; i++) data[base + i] = out.inputGradient.data[base + i] * cam.data[m * plane + i];
    }
  }
  const raw = { data, shape: [M, C, H, W] };
  return { layer: name, raw, map: normalizeItems(maxAbsOverChannels(raw)), image: targets.image, target: targets.target, scores: out.scores };
}
