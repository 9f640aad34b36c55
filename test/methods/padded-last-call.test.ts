/**
 * Perturbation methods run every call of their batches at one shape: a last call short by at
 * most a quarter of a batch is padded (its extra items ignored), so one session serves every
 * call. The numbers equal those of one input per call, and progress stops at the total.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ConvlensModel } from '../../src/engine/model.js';
import type { OrtModule } from '../../src/engine/runtime.js';
import { deletionCurves } from '../../src/evaluate/deletion-insertion.js';
import { callSize } from '../../src/methods/method-skeleton.js';
import { occlusion } from '../../src/methods/occlusion.js';
import { scoreCam } from '../../src/methods/score-cam.js';
import { nodeRuntimeWithThreads } from '../../src/node/runtime.js';
import { decodeModel } from '../../src/onnx/codec.js';

/** A shapes-model whose sessions record the batch size of every run. */
function recordingModel(): { model: ConvlensModel; batches: number[] } {
  const batches: number[] = [];
  const recording: OrtModule = {
    Tensor: ort.Tensor,
    InferenceSession: {
      create: async (bytes: Uint8Array, options: ort.InferenceSession.SessionOptions) => {
        const session = await ort.InferenceSession.create(bytes, options);
        const run = session.run.bind(session);
        return Object.assign(session, {
          run: (feeds: Record<string, ort.Tensor>, ...rest: unknown[]) => {
            batches.push(Number(Object.values(feeds)[0].dims[0]));
            return (run as (...a: unknown[]) => ReturnType<typeof run>)(feeds, ...rest);
          },
        });
      },
    } as unknown as OrtModule['InferenceSession'],
  };
  const model = new ConvlensModel(decodeModel(readFileSync(new URL('../../models/shapes.onnx', import.meta.url))), { ...nodeRuntimeWithThreads(1), ort: recording });
  return { model, batches };
}

const x = { data: Float32Array.from({ length: 3 * 32 * 32 }, (_, i) => Math.sin(i * 0.37) * 0.8), shape: [1, 3, 32, 32] };

describe('padded last calls', () => {
  it('pads a short last call only after a full one and when it is short by a quarter of a batch at most', () => {
    expect(callSize(171, 54, 57)).toBe(57);
    expect(callSize(16, 12, 16)).toBe(16);
    expect(callSize(16, 11, 16)).toBe(11);
    expect(callSize(0, 6, 8)).toBe(6);
    expect(callSize(8, 8, 8)).toBe(8);
  });

  it('occlusion: 7 x 7 = 49 patches at 10 per call run as 5 calls of 10 (at 8, the last call of 1 is not padded), with the scores of one patch per call', async () => {
    const { model, batches } = recordingModel();
    const progress: number[] = [];
    const padded = await occlusion(model, x, { patch: 8, stride: 4, target: 2, batchSize: 10, onProgress: (done, total) => progress.push(done / total) });
    expect(padded.raw.shape).toEqual([1, 7, 7]);
    expect(Math.max(...progress)).toBe(1);
    expect(batches.slice(1)).toEqual([10, 10, 10, 10, 10]);
    batches.length = 0;
    await occlusion(model, x, { patch: 8, stride: 4, target: 2, batchSize: 8 });
    expect(batches.slice(1)).toEqual([8, 8, 8, 8, 8, 8, 1]);
    const single = await occlusion(model, x, { patch: 8, stride: 4, target: 2, batchSize: 1 });
    padded.raw.data.forEach((v, i) => expect(v).toBeCloseTo(single.raw.data[i], 6));
    await model.dispose();
  });

  it('Score-CAM: 79 masked inputs (channels flat on this input share the all-zero one) at 16 per call run as 5 calls of 16, with the channel scores of one input per call', async () => {
    const { model, batches } = recordingModel();
    const progress: number[] = [];
    const padded = await scoreCam(model, x, { target: 1, batchSize: 16, onProgress: (done, total) => progress.push(done / total) });
    expect(Math.max(...progress)).toBe(1);
    expect(padded.channelScores.shape).toEqual([1, 96]);
    expect(batches.slice(1)).toEqual([16, 16, 16, 16, 16]);
    batches.length = 0;
    await scoreCam(model, x, { target: 1, batchSize: 14 });
    expect(batches.slice(1)).toEqual([14, 14, 14, 14, 14, 9]);
    const single = await scoreCam(model, x, { target: 1, batchSize: 1 });
    padded.channelScores.data.forEach((v, i) => expect(v).toBeCloseTo(single.channelScores.data[i], 6));
    await model.dispose();
  });

  it('deletion: 11 perturbed inputs at 4 per call run as 3 calls of 4, with the scores of one input per call', async () => {
    const { model, batches } = recordingModel();
    const explanation = { data: Float32Array.from({ length: 32 * 32 }, (_, i) => (i * 7919) % 1024), shape: [1, 32, 32] };
    const padded = await deletionCurves(model, x, explanation, { target: 0, steps: 11, batchSize: 4 });
    expect(batches.slice(1)).toEqual([4, 4, 4]);
    const single = await deletionCurves(model, x, explanation, { target: 0, steps: 11, batchSize: 1 });
    expect(padded.scores[0]).toHaveLength(12);
    padded.scores[0].forEach((v, i) => expect(v).toBeCloseTo(single.scores[0][i], 6));
    await model.dispose();
  });
});
