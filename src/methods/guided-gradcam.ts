/**
 * Guided Grad-CAM (Selvaraju et al.): guided backpropagation, sharp but not class-selective,
 * multiplied by the upsampled Grad-CAM map, coarse but class-selective. Both gradients come
 * from one compiled graph: a shared forward pass feeding two backward passes (vanilla ReLU
 * rule down to the layer, guided rule down to the input), so the pair costs one run.
 */
import { buildGradientGraph } from '../autodiff/gradient-graph.js';
import type { ConvlensModel } from '../engine/model.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import { mergeVariants } from '../onnx/variants.js';
import { gradCamRule } from './grad-cam.js';
import { maxAbsOverChannels, normalizeItems } from './maps.js';
import { camMap, explainedItems, spatialLayer, type ExplainedItems, type TargetOptions } from './method-skeleton.js';
import { targetPass } from './passes.js';
import { gatherItems } from './targets.js';

export interface GuidedGradCamOptions extends TargetOptions {
  /** Layer for the Grad-CAM factor (module path, node or tensor name); default: the last spatial layer. */
  layer?: string;
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
 * Guided Grad-CAM: guided backpropagation times the upsampled Grad-CAM map of `layer`,
 * channel by channel. One forward pass and two backward passes, compiled into one graph.
 *
 * @example
 * const ggc = await guidedGradCam(model, x, { layer: 'layer4', target: 281 });
 * ggc.raw.shape; // [1, 3, 224, 224]
 */
export async function guidedGradCam(model: ConvlensModel, x: FloatTensor, options: GuidedGradCamOptions = {}): Promise<GuidedGradCamResult> {
  model.checkInput(x);
  const { name, tensor } = spatialLayer(model, options.layer);
  const { signal, onProgress } = options;
  const { output, targets } = await targetPass(model, x, options);
  const input = model.inputName;
  const out = await model.engine.run({
    key: `guided-gradcam|${tensor}|${output}`,
    compile: (info) => {
      const seeds = [{ output, seed: SEED }];
      const { maxPoolIndices } = model.engine.runtime;
      const cam = buildGradientGraph(model.onnxModel, info, { wrt: [tensor], seeds, relu: 'vanilla', taps: [tensor, output], maxPoolIndices });
      const guided = buildGradientGraph(model.onnxModel, info, { wrt: [input], seeds, relu: 'guided', maxPoolIndices });
      const merged = mergeVariants(model.onnxModel, info, [cam.model, guided.model], `${model.onnxModel.graph.name}_guided_gradcam`);
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
  const cam = camMap(model, name, gradCamRule(out.activations, out.layerGradient)).map;
  const plane = H * W;
  const data = new Float32Array(M * C * plane);
  for (let m = 0; m < M; m++) {
    for (let c = 0; c < C; c++) {
      const base = (m * C + c) * plane;
      for (let i = 0; i < plane; i++) data[base + i] = out.inputGradient.data[base + i] * cam.data[m * plane + i];
    }
  }
  const raw = { data, shape: [M, C, H, W] };
  return { layer: name, raw, map: normalizeItems(maxAbsOverChannels(raw)), ...explainedItems(targets, out.scores) };
}
