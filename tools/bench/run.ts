/**
 * `npm run bench`: Grad-CAM and saliency on a full-width ResNet-50 against the plain
 * onnxruntime forward pass of the same model bytes. Ratios, not milliseconds, are what
 * carry over between machines.
 *
 *   npm run bench -- [--batch 8] [--size 224] [--reps 7] [--profile]
 *
 * `--profile` also prints onnxruntime's kernel time by op type for each method's graphs.
 */
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import type { ConvlensModel } from '../../src/engine/model.js';
import type { FloatTensor } from '../../src/image/types.js';
import { forward } from '../../src/methods/passes.js';
import { seededNormal } from '../../src/methods/seeded-random.js';
import { gradCam, loadModel, saliency } from '../../src/node/index.js';
import { profileOps } from './profile.js';
import { resNet50Bytes } from './resnet50.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '8' },
    size: { type: 'string', default: '224' },
    reps: { type: 'string', default: '7' },
    profile: { type: 'boolean', default: false },
  },
});
const [batch, size, reps] = [values.batch, values.size, values.reps].map(Number);
if (![batch, size, reps].every((v) => Number.isInteger(v) && v > 0)) {
  throw new Error('--batch, --size and --reps take positive integers.');
}

interface Case {
  name: string;
  /** Largest acceptable time as a multiple of the plain forward pass. */
  target?: number;
  method: (model: ConvlensModel) => Promise<unknown>;
}

const x: FloatTensor = { data: Float32Array.from({ length: batch * 3 * size * size }, seededNormal(1)), shape: [batch, 3, size, size] };
const methods: Case[] = [
  { name: 'gradcam layer4', target: 1.3, method: (m) => gradCam(m, x, { layer: 'layer4', target: 0 }) },
  { name: 'saliency vanilla', target: 3, method: (m) => saliency(m, x, { target: 0 }) },
  { name: 'saliency guided', target: 3, method: (m) => saliency(m, x, { target: 0, rule: 'guided' }) },
];

async function timed(run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  return performance.now() - t0;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const { bytes, path, built } = await resNet50Bytes(size);
console.log(`ResNet-50 ${built ? 'built and cached at' : 'read from'} ${path} (${(bytes.length / 2 ** 20).toFixed(0)} MiB)`);
const model = await loadModel(bytes, { preprocess: 'imagenet' });
const feeds = { [model.inputName]: new ort.Tensor('float32', x.data, x.shape) };
let plain: ort.InferenceSession | undefined;
// The session options convlens gives its own sessions (src/node/runtime.ts): only the graph differs.
const runPlain = async () => {
  plain ??= await ort.InferenceSession.create(bytes, { graphOptimizationLevel: 'all', executionProviders: ['cpu'] });
  return plain.run(feeds);
};
const runs = [runPlain, ...methods.map((c) => () => c.method(model))];

// First calls compile the sessions; a second call lets allocators and thread pools settle.
const firstMs: number[] = [];
for (const run of runs) firstMs.push(await timed(run));
for (const run of runs) await run();
// Interleaved rounds: load from other processes comes and goes in phases of seconds, so a
// method compared with the forward pass of its own round sees about the same load.
const times: number[][] = runs.map(() => []);
for (let r = 0; r < reps; r++) for (const [i, run] of runs.entries()) times[i].push(await timed(run));

const chunk = model.engine.chunkSize(model.itemShape, batch, 3);
console.log(`batch ${batch} at ${size}x${size}, ${reps} rounds, onnxruntime-node ${ort.env.versions.node}`
  + (chunk < batch ? `; gradient runs split the batch into chunks of ${chunk} (memory budget)` : ''));
console.table(['forward (onnxruntime)', ...methods.map((c) => c.name)].map((name, i) => {
  const ratio = median(times[i].map((t, r) => t / times[0][r]));
  const target = methods[i - 1]?.target;
  return {
    case: name,
    'first call ms': Math.round(firstMs[i]),
    'median ms': Math.round(median(times[i])),
    'min ms': Math.round(Math.min(...times[i])),
    'x forward': Number(ratio.toFixed(2)),
    target: target ? `<= ${target}x` : '',
    met: target ? (ratio <= target ? 'yes' : 'NO') : '',
  };
}));
console.log("'x forward': median over rounds of (time / forward time of the same round). 'first call' includes compiling the sessions.");
await plain?.release();
await model.dispose();

if (values.profile) {
  const profiled: Case[] = [{ name: 'forward (convlens, pinned batch)', method: (m) => forward(m, x, [m.outputName]) }, ...methods];
  for (const c of profiled) {
    const p = await profileOps(bytes, c.method, 3);
    const top = p.ops.slice(0, 8).map(([op, ms]) => `${op} ${ms.toFixed(0)} (${Math.round((100 * ms) / p.totalMs)}%)`);
    console.log(`${c.name}: ${p.totalMs.toFixed(0)} ms of kernels per call: ${top.join(', ')}`);
  }
}
