import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeModel } from '../../src/onnx/codec.js';
import { inferShapes } from '../../src/onnx/shapes/index.js';
import { DataType, type Model } from '../../src/onnx/types.js';
import { runEverything } from './shapes-harness.js';

// Exported fixtures by default; CONVLENS_SHAPE_MODELS points the same check at any folder of models.
const dir = process.env.CONVLENS_SHAPE_MODELS ?? join(import.meta.dirname, '..', 'fixtures', 'models');
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.onnx')).sort() : [];

/** Pins declared dims as they are and a symbolic batch to 2, so batching is exercised too. */
function pinInputs(model: Model): Record<string, number[]> {
  const pinned: Record<string, number[]> = {};
  for (const v of model.graph.inputs) {
    if (model.graph.initializers.has(v.name)) continue;
    pinned[v.name] = (v.shape ?? []).map((d) => (typeof d === 'number' && d > 0 ? d : 2));
  }
  return pinned;
}

describe('shape inference on exported models', () => {
  it('has models to check', () => expect(files.length).toBeGreaterThan(0));

  for (const file of files) {
    it(`${file}: every tensor's shape matches onnxruntime`, async () => {
      const model = decodeModel(readFileSync(join(dir, file)), file);
      const opset = model.opsets.find((o) => o.domain === '')?.version ?? 1;
      const pinned = pinInputs(model);
      const info = inferShapes(model.graph, opset, pinned);
      const actual = await runEverything(model, pinned, info.types);
      let floats = 0;
      for (const node of model.graph.nodes) {
        for (const name of node.outputs) {
          if (name === '') continue;
          const got = actual.get(name);
          expect(got, `${name} was not returned by onnxruntime`).toBeDefined();
          expect({ tensor: name, op: node.opType, shape: info.shapes.get(name) }).toEqual({ tensor: name, op: node.opType, shape: got!.dims });
          if (info.types.get(name) === DataType.FLOAT) floats++;
          const folded = info.values.get(name);
          if (folded && got!.data) {
            folded.forEach((v, i) => expect(v, `${name}[${i}]`).toBeCloseTo(got!.data![i], 4));
          }
        }
      }
      expect(floats).toBeGreaterThan(0);
    });
  }
});
