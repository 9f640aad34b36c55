/**
 * Session options in Node: every session a model compiles gets the runtime's options, with
 * intra-op threads that stop spinning when a run returns, so one session's threads never
 * spin on the cores the next session's run needs.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ConvlensModel } from '../../src/engine/model.js';
import { decodeModel } from '../../src/onnx/codec.js';
import type { OrtModule } from '../../src/engine/runtime.js';
import { forward } from '../../src/methods/passes.js';
import { saliency } from '../../src/methods/saliency.js';
import { nodeRuntimeWithThreads } from '../../src/node/runtime.js';

describe('Node session options', () => {
  it('creates every session with the thread count asked for and threads that stop spinning after a run', async () => {
    const created: ort.InferenceSession.SessionOptions[] = [];
    const spying: OrtModule = {
      Tensor: ort.Tensor,
      InferenceSession: { create: (bytes: Uint8Array, options: ort.InferenceSession.SessionOptions) => { created.push(options); return ort.InferenceSession.create(bytes, options); } } as unknown as OrtModule['InferenceSession'],
    };
    const model = new ConvlensModel(
      decodeModel(readFileSync(new URL('../../models/shapes.onnx', import.meta.url))), { ...nodeRuntimeWithThreads(2), ort: spying });
    const x = { data: Float32Array.from({ length: 2 * 3 * 32 * 32 }, (_, i) => Math.sin(i)), shape: [2, 3, 32, 32] };
    await forward(model, x, [model.outputName]);
    await saliency(model, x, { target: 0 });
    expect(created).toHaveLength(2);
    for (const options of created) {
      expect(options).toMatchObject({ intraOpNumThreads: 2, graphOptimizationLevel: 'all', extra: { session: { force_spinning_stop: '1' } } });
    }
    await model.dispose();
  });
});
