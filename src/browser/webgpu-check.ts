/**
 * onnxruntime-web's WebGPU kernels have given wrong numbers without any error for some layer
 * shapes (in 1.30, 3 x 3 Convs with 6 or 18 input channels), so explanations computed there
 * could be silently wrong. A model opened on WebGPU is checked once: the forward pass of a
 * fixed input through WebGPU against the same build's CPU kernels. Where they disagree, the
 * model runs on those CPU kernels instead and the caller gets a notice to show.
 */
import { ConvlensModel, type ModelOptions } from '../engine/model.js';
import { seededNormal } from '../numeric/seeded-random.js';
import { forward } from '../methods/passes.js';
import { webGpuBuildCpu } from './runtime.js';

export interface WebGpuCheck {
  /** The model to use: the one given when WebGPU agrees, else its twin on the CPU kernels. */
  model: ConvlensModel;
  /** Largest |WebGPU - CPU| of the model's output, and the output's largest |value|. */
  difference: number;
  scale: number;
  /** Why the model left WebGPU, for the page to show; null when WebGPU agrees. */
  notice: string | null;
}

/** Output differences above this share of the output's largest value are not rounding. */
const TOLERANCE = 1e-3;

/**
 * Runs a seeded input through `model` (opened on WebGPU) and through a twin on the CPU
 * kernels; keeps the WebGPU model when the outputs agree within 1e-3 of the largest value,
 * else disposes it and returns the twin. `options` are the ones the model was opened with.
 *
 * @example
 * const gpu = await loadModel(bytes, { executionProvider: 'webgpu' });
 * const { model, notice } = await checkWebGpu(gpu);
 * if (notice) console.warn(notice);
 */
export async function checkWebGpu(model: ConvlensModel, options: ModelOptions = {}, signal?: AbortSignal): Promise<WebGpuCheck> {
  const shape = [model.engine.fixedBatch ?? 1, ...model.itemShape];
  const normal = seededNormal(0);
  const x = { data: Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, normal), shape };
  const twin = new ConvlensModel(model.onnxModel, webGpuBuildCpu, options);
  let kept: ConvlensModel = model;
  try {
    const output = async (m: ConvlensModel) => (await forward(m, x, [m.outputName], { signal }))[m.outputName].data;
    const [gpu, cpu] = [await output(model), await output(twin)];
    let difference = 0;
    let scale = 0;
    for (let i = 0; i < cpu.length; i++) {
      difference = Math.max(difference, Math.abs(gpu[i] - cpu[i]));
      scale = Math.max(scale, Math.abs(cpu[i]));
    }
    if (difference <= TOLERANCE * scale) return { model, difference, scale, notice: null };
    kept = twin;
    return {
      model: twin, difference, scale,
      notice: `WebGPU's output for this model differs from the CPU kernels' by ${Math.round((100 * difference) / scale)} % of its largest value `
        + '(onnxruntime-web\'s WebGPU kernels get some layer shapes wrong), so convlens runs this model on WebAssembly instead.',
    };
  } finally {
    await (kept === model ? twin : model).dispose();
  }
}
