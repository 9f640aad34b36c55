/**
 * A trained model is an ordinary ONNX model: it encodes, loads in convlens with PyTorch-style
 * module paths, and predicts exactly what the training graph computed with its weights.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { forward } from '../../src/methods/passes.js';
import { loadModel } from '../../src/node/index.js';
import { nodeRuntime } from '../../src/node/runtime.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { tensorToFloat32 } from '../../src/onnx/tensor.js';
import { smallCnn } from '../../src/train/architectures.js';
import { targetRows } from '../../src/train/data.js';
import { predict } from '../../src/train/evaluate.js';
import { train } from '../../src/train/trainer.js';
import { TrainingSession } from '../../src/train/training-session.js';
import { orientedBars } from './synthetic.js';

describe('a trained smallCnn', () => {
  const data = orientedBars(64, 16, 3);
  const batch = { data: data.x.data.subarray(0, 16 * 3 * 16 * 16), shape: [16, 3, 16, 16] };
  let loaded: ConvlensModel | undefined;
  afterAll(() => loaded?.dispose());

  it('loads in convlens and predicts what the training graph computed', async () => {
    const { model } = await train(smallCnn({ inputSize: 16, channels: [8, 16], classes: 2, seed: 1 }), { x: data.x, y: data.labels }, {
      loss: 'cross-entropy', optimizer: { kind: 'adam', lr: 0.01 }, epochs: 2, batchSize: 16, runtime: nodeRuntime,
    });
    loaded = await loadModel(encodeModel(model), { preprocess: 'unit' });
    const viaConvlens = (await forward(loaded, batch, [loaded.outputName]))[loaded.outputName];

    const session = await TrainingSession.create(model, { loss: 'cross-entropy', batchSize: 16 }, nodeRuntime);
    try {
      const params = session.graph.params.map((p) => tensorToFloat32(model.graph.initializers.get(p.name)!));
      const target = targetRows({ x: batch, y: data.labels.subarray(0, 16) }, 'cross-entropy', 2);
      const step = await session.run(batch.data, target, params);
      expect(viaConvlens.shape).toEqual([16, 2]);
      expect(Array.from(viaConvlens.data)).toEqual(Array.from(step.outputs).map((v) => expect.closeTo(v, 5)));
    } finally {
      await session.release();
    }
    const plain = await predict(model, batch, nodeRuntime, 5);
    expect(Array.from(plain.data)).toEqual(Array.from(viaConvlens.data).map((v) => expect.closeTo(v, 5)));
  });

  it('names its layers by PyTorch module path', () => {
    expect(loaded!.layers.map((l) => `${l.module}:${l.op}`)).toEqual([
      'features.0:Conv', 'features.1:Relu', 'features.2:MaxPool',
      'features.3:Conv', 'features.4:Relu', 'features.5:MaxPool',
      'avgpool:GlobalAveragePool', 'null:Flatten', 'fc:Gemm',
    ]);
    expect(loaded!.resolveLayer('features.4')).toBe('/features/features.4/Relu_output_0');
    expect(loaded!.layers.at(-1)!.shape).toEqual([1, 2]);
  });
});
