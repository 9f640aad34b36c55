/**
 * `npm run bench -- --suite synthesis`: one activation-maximization step (parameterization,
 * transformations, forward to the objective's layer, backward to the input, Adam) against a
 * forward pass to that layer plus its input gradient, for a channel of ResNet-50 `layer3` and
 * for a class logit; steps per second; and the time of a whole 512-step class visualization.
 */
import type { ConvlensModel } from '../../src/engine/model.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { seededNormal } from '../../src/numeric/seeded-random.js';
import { compileObjectiveGraph } from '../../src/synthesis/objective-graph.js';
import { objectiveGradient } from '../../src/synthesis/objective-graph.js';
import { resolveObjective } from '../../src/synthesis/objectives.js';
import { adam } from '../../src/synthesis/optimizers.js';
import { SynthesisStep } from '../../src/synthesis/synthesis-step.js';
import { drawTransforms, standardTransforms, transformStream } from '../../src/synthesis/transforms.js';
import { visualize } from '../../src/synthesis/visualize.js';
import { interleaved } from './interleaved.js';
import { timeMs } from './timing.js';

export interface SynthesisBenchOptions {
  batch: number;
  reps: number;
  /** Steps of the timed whole visualization (512 as lucid; fewer for a quick look). */
  fullSteps: number;
}

/** One case: the full step against the bare gradient of the same truncated graph. */
async function stepCase(model: ConvlensModel, objective: string, batch: number, reps: number) {
  const terms = resolveObjective(model, objective);
  const [C, H, W] = model.itemShape;
  const x: FloatTensor = { data: Float32Array.from({ length: batch * C * H * W }, seededNormal(3)), shape: [batch, C, H, W] };
  const step = await SynthesisStep.open(model, terms, 'fft', [batch, C, H, W]);
  const param = step.param.noise(0);
  const opt = adam(param.length, 0.05);
  const next = transformStream(1);
  const graph = compileObjectiveGraph(model, terms, [batch, C, H, W]).model;
  const kept = graph.graph.nodes.filter((n) => model.onnxModel.graph.nodes.includes(n)).length;
  try {
    const rows = await interleaved(
      { name: `forward to the layer + input gradient (${objective})`, run: () => objectiveGradient(model, terms, x) },
      [{ name: `synthesis step (${objective})`, target: 1.3, run: async () => opt.step(param, (await step.evaluate(param, drawTransforms(next, batch, standardTransforms, [H, W]), {})).gradient) }],
      reps);
    return { rows, kept };
  } finally {
    await step.release();
  }
}

export async function synthesisSuite(model: ConvlensModel, options: SynthesisBenchOptions): Promise<void> {
  const { batch, reps } = options;
  const total = model.onnxModel.graph.nodes.length;
  for (const objective of ['channel:layer3:7', 'class:0']) {
    const { rows, kept } = await stepCase(model, objective, batch, reps);
    const stepMs = rows[1]['median ms'];
    console.log(`\nsynthesis: ${objective}, batch ${batch} at ${model.itemShape[1]}x${model.itemShape[2]}, ${reps} rounds; `
      + `the step graph keeps ${kept} of the model's ${total} nodes; ${(1000 / stepMs).toFixed(2)} steps/s (${((1000 * batch) / stepMs).toFixed(2)} images x steps/s)`);
    console.table(rows);
  }
  let last = 0;
  const ms = await timeMs(() => visualize(model, 'class:0', { steps: options.fullSteps, onProgress: (d) => { last = d; } }));
  console.log(`\nclass visualization, ${last} steps, batch 1 at ${model.itemShape[1]}x${model.itemShape[2]} (Fourier, standard transformations, recognized score): ${(ms / 1000).toFixed(1)} s`);
}
