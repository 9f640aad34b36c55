/**
 * `npm run bench`: Grad-CAM and saliency on a full-width ResNet-50 against the plain
 * onnxruntime forward pass of the same model bytes. Ratios, not milliseconds, are what
 * carry over between machines.
 *
 *   npm run bench -- [--batch 8] [--size 224] [--reps 5]
 */
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { gradCam, loadModel, saliency } from '../../src/node/index.js';
import type { FloatTensor } from '../../src/image/types.js';
import { seededNormal } from '../../src/methods/seeded-random.js';
import { resNet50Bytes } from './resnet50.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '8' },
    size: { type: 'string', default: '224' },
    reps: { type: 'string', default: '5' },
  },
});
const batch = Number(values.batch);
const size = Number(values.size);
const reps = Number(values.reps);

interface Case {
  name: string;
  /** Largest acceptable median time as a multiple of the plain forward pass. */
  target?: number;
  run: () => Promise<unknown>;
  firstMs?: number;
  times: number[];
}

async function timed(run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const { bytes, path, built } = await resNet50Bytes(size);
console.log(`ResNet-50 ${built ? 'built and cached at' : 'read from'} ${path} (${(bytes.length / 2 ** 20).toFixed(0)} MiB)`);

const normal = seededNormal(1);
const x: FloatTensor = { data: Float32Array.from({ length: batch * 3 * size * size }, normal), shape: [batch, 3, size, size] };
const model = await loadModel(bytes, { preprocess: 'imagenet' });
// The same options convlens gives its own sessions (src/node/runtime.ts), so only the graph differs.
let plain: ort.InferenceSession | undefined;
const feeds = { [model.inputName]: new ort.Tensor('float32', x.data, x.shape) };

const cases: Case[] = [
  {
    name: 'forward (onnxruntime)',
    run: async () => {
      plain ??= await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', executionProviders: ['cpu'] });
      return plain.run(feeds);
    },
    times: [],
  },
  { name: 'gradcam layer4', target: 1.3, run: () => gradCam(model, x, { layer: 'layer4', target: 0 }), times: [] },
  { name: 'saliency vanilla', target: 3, run: () => saliency(model, x, { target: 0 }), times: [] },
  { name: 'saliency guided', target: 3, run: () => saliency(model, x, { target: 0, rule: 'guided' }), times: [] },
];

// First calls compile the sessions; a second call lets allocators and thread pools settle.
for (const c of cases) c.firstMs = await timed(c.run);
for (const c of cases) await c.run();
// Interleaved so that load from other processes spreads over every case alike.
for (let r = 0; r < reps; r++) for (const c of cases) c.times.push(await timed(c.run));

const forwardMs = median(cases[0].times);
const chunk = model.engine.chunkSize(model.itemShape, batch, 3);
console.log(`batch ${batch} at ${size}x${size}, median of ${reps}, onnxruntime-node ${ort.env.versions.node}`
  + (chunk < batch ? `; gradient runs split the batch into chunks of ${chunk} (memory budget)` : ''));
const rows = cases.map((c) => {
  const ms = median(c.times);
  const ratio = ms / forwardMs;
  return {
    case: c.name,
    'first call ms': Math.round(c.firstMs!),
    'median ms': Math.round(ms),
    'x forward': Number(ratio.toFixed(2)),
    target: c.target ? `<= ${c.target}x` : '',
    met: c.target ? (ratio <= c.target ? 'yes' : 'NO') : '',
  };
});
console.table(rows);
await plain?.release();
await model.dispose();
