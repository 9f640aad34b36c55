/**
 * Per-request session options: a run that asks for its own options gets a session created
 * with them on top of the runtime's, cached apart from the default one, with the same numbers.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { ConvlensModel } from '../../src/engine/model.js';
import { decodeModel } from '../../src/onnx/codec.js';
import type { OrtModule } from '../../src/engine/runtime.js';
import { forward } from '../../src/methods/passes.js';
import { nodeRuntimeWithThreads } from '../../src/node/runtime.js';

describe('Engine sessionOptions', () => {
  it('creates a session of its own with the options merged over the runtime\'s', async () => {
    const created: ort.InferenceSession.SessionOptions[] = [];
    const spying: OrtModule = {
      Tensor: ort.Tensor,
      InferenceSession: { create: (bytes: Uint8Array, options: ort.InferenceSession.SessionOptions) => { created.push(options); return ort.InferenceSession.create(bytes, options); } } as unknown as OrtModule['InferenceSession'],
    };
    const runtime = { ...nodeRuntimeWithThreads(1), ort: spying };
    const model = new ConvlensModel(
      decodeModel(readFileSync(new URL('../../models/shapes.onnx', import.meta.url))), runtime);
    const x = { data: Float32Array.from({ length: 2 * 3 * 32 * 32 }, (_, i) => Math.sin(i)), shape: [2, 3, 32, 32] };
    const quiet = { extra: { session: { intra_op: { allow_spinning: '0' } } } };
    const a = await forward(model, x, [model.outputName]);
    const b = await forward(model, x, [model.outputName], { sessionOptions: quiet });
    await forward(model, x, [model.outputName], { sessionOptions: quiet });
    expect(created).toHaveLength(2);
    expect(created[0].extra).toBeUndefined();
    expect(created[1]).toMatchObject({ ...quiet, intraOpNumThreads: 1, graphOptimizationLevel: 'all' });
    expect(model.engine.sessionCount).toBe(2);
    expect(Array.from(b[model.outputName].data)).toEqual(Array.from(a[model.outputName].data));
    await model.dispose();
  });
});
