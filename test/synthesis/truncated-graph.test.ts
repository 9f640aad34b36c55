/** The step graph stops at the objective's layer: nothing after it is compiled, so nothing after it runs. */
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { loadModel } from '../../src/node/index.js';
import { compileObjectiveGraph } from '../../src/synthesis/objective-graph.js';
import { resolveObjective } from '../../src/synthesis/objectives.js';

let model: ConvlensModel;
afterAll(() => model?.dispose());

describe('the synthesis step graph', () => {
  it('holds the model nodes up to the objective layer and none after it', async () => {
    model = await loadModel('models/shapes.onnx');
    const names = model.onnxModel.graph.nodes.map((n) => n.name);
    const upTo = (layer: string) => names.slice(0, names.indexOf(layer) + 1);
    for (const [objective, last] of [['channel:features.4:3', '/features/features.4/Relu'], ['layer:features.1', '/features/features.1/Relu'], ['class:2', '/fc/Gemm']]) {
      const g = compileObjectiveGraph(model, resolveObjective(model, objective), [1, 3, 32, 32]);
      const kept = g.model.graph.nodes.map((n) => n.name).filter((n) => names.includes(n));
      expect(kept, objective).toEqual(upTo(last));
    }
  });
});
