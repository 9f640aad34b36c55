import * as ort from 'onnxruntime-node';
import { loadModel } from '../../src/node/index.js';
import { forward } from '../../src/methods/passes.js';
import { seededNormal } from '../../src/methods/seeded-random.js';
import { resNet50Bytes } from './resnet50.js';
const { bytes } = await resNet50Bytes();
const n = seededNormal(1);
const B = 8;
const x = { data: Float32Array.from({ length: B * 3 * 224 * 224 }, n), shape: [B, 3, 224, 224] };
const model = await loadModel(bytes);
const feeds = { input: new ort.Tensor('float32', x.data, x.shape) };
const dyn = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', executionProviders: ['cpu'] });
const pin = await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', executionProviders: ['cpu'], freeDimensionOverrides: { batch: B } });
const cases: Record<string, () => Promise<unknown>> = {
  dyn: () => dyn.run(feeds), pin: () => pin.run(feeds), convlensFwd: () => forward(model, x, ['logits']),
};
const times: Record<string, number[]> = {};
for (const k of Object.keys(cases)) { await cases[k](); await cases[k](); times[k] = []; }
for (let r = 0; r < 5; r++) for (const [k, f] of Object.entries(cases)) { const t = performance.now(); await f(); times[k].push(performance.now() - t); }
for (const [k, t] of Object.entries(times)) console.log(k, t.map(Math.round).join(' '));
