/**
 * Several targets per image reuse one forward pass (the backward pass reads repeated forward
 * values). The results must equal one explicit per-item run on every architecture.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { backward } from '../../src/methods/passes.js';
import { loadModel } from '../../src/node/index.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';
import { loadRefs, modelPath } from './refs.js';
import { gatherItems } from '../../src/methods/targets.js';

/** The model with its batch dim made symbolic, so items can be repeated (exports that bake the batch into Reshape constants cannot be used). */
function freeBatch(file: string): Uint8Array {
  const m = decodeModel(new Uint8Array(readFileSync(modelPath(file))));
  const inputs = m.graph.inputs.map((v) => ({ ...v, shape: v.shape ? ['batch', ...v.shape.slice(1)] : v.shape }));
  return encodeModel({ ...m, graph: { ...m.graph, inputs, outputs: m.graph.outputs.map((o) => ({ ...o, shape: null })) } });
}

describe.each(['mobilenet_v3', 'densenet', 'googlenet', 'squeezenet', 'alexnet'])('%s', (name) => {
  it('three classes per image: one shared forward equals per-item runs', async () => {
    const refs = loadRefs(name);
    const model = await loadModel(freeBatch(refs.json.exports.legacy.file), { preprocess: 'unit' });
    const x = refs.array('input');
    const layer = model.resolveLayer(refs.json.layer);
    const shared = await backward(model, x, { target: [1, 4, 6], wrt: [model.inputName, layer], taps: [layer] });
    const perItem = await backward(model, gatherItems(x, shared.targets.image), { target: { perImage: shared.targets.target as number[] }, wrt: [model.inputName, layer], taps: [layer] });
    for (const key of [model.inputName, layer]) {
      const a = shared.gradients[key].data;
      const b = perItem.gradients[key].data;
      expect(shared.gradients[key].shape).toEqual(perItem.gradients[key].shape);
      const scale = Math.max(...Array.from(b, Math.abs));
      a.forEach((v, i) => expect(Math.abs(v - b[i])).toBeLessThanOrEqual(1e-5 * scale));
    }
    expect(Array.from(shared.taps[layer].data)).toEqual(Array.from(perItem.taps[layer].data));
    expect(shared.scores.shape).toEqual([6, refs.json.numClasses]);
  });
});
