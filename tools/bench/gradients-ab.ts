/**
 * `npx tsx tools/bench/gradients-ab.ts`: a gradient graph before and after a change to a VJP rule,
 * timed in interleaved rounds against the plain forward pass of the same bench model. With
 * `--save FILE` it writes the graph the current source compiles for `--method` instead, so a
 * comparison saves one graph per version and then times them together:
 *
 *   npx tsx tools/bench/gradients-ab.ts --model mobilenet_v3_large --method vanilla --save /tmp/after.onnx
 *   npx tsx tools/bench/gradients-ab.ts --model mobilenet_v3_large --threads 1 --reps 6 /tmp/before.onnx /tmp/after.onnx
 *
 * Besides wall time it reports process CPU time with onnxruntime's spinning threads turned
 * off: on a machine others are using, wall time swings with their load while the CPU time of
 * a graph stays close to the work it does (most of all on one thread).
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import { buildGradientGraph } from '../../src/autodiff/gradient-graph.js';
import { defaultCamLayer, spatialLayer } from '../../src/methods/method-skeleton.js';
import { loadModel } from '../../src/node/index.js';
import { seededNormal } from '../../src/numeric/seeded-random.js';
import { encodeModel } from '../../src/onnx/codec.js';
import { onnxOpset } from '../../src/onnx/opset.js';
import { inferShapes } from '../../src/onnx/shapes/index.js';
import { benchChoice, exportedModelBytes } from './models.js';
import { median } from './timing.js';

const SEED = 'convlens.seed';
const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    model: { type: 'string', default: 'mobilenet_v3_large' },
    method: { type: 'string', default: 'vanilla' },
    batch: { type: 'string', default: '8' },
    threads: { type: 'string', default: '2' },
    reps: { type: 'string', default: '6' },
    save: { type: 'string' },
  },
});
const [batch, threads, reps] = [values.batch, values.threads, values.reps].map(Number);
if (![batch, threads, reps].every((v) => Number.isInteger(v) && v > 0)) throw new Error('--batch, --threads and --reps take positive integers.');
if (!['gradcam', 'vanilla', 'guided'].includes(values.method)) throw new Error('--method takes gradcam, vanilla or guided.');
const { bytes } = await exportedModelBytes(benchChoice(values.model, 'legacy').model, 'legacy', 224);
const shape = [batch, 3, 224, 224];

if (values.save) {
  const m = await loadModel(bytes, { preprocess: 'imagenet', threads: 1 });
  const info = inferShapes(m.onnxModel.graph, onnxOpset(m.onnxModel), { [m.inputName]: shape });
  const seeds = [{ output: m.outputName, seed: SEED }];
  const layer = values.model.startsWith('resnet') ? 'layer4' : defaultCamLayer(m);
  const t = spatialLayer(m, layer).tensor;
  const g = values.method === 'gradcam'
    ? buildGradientGraph(m.onnxModel, info, { wrt: [t], seeds, taps: [t, m.outputName], spatialMeans: [t], maxPoolIndices: m.engine.runtime.maxPoolIndices })
    : buildGradientGraph(m.onnxModel, info, { wrt: [m.inputName], seeds, relu: values.method === 'guided' ? 'guided' : 'vanilla', taps: [m.outputName], maxPoolIndices: m.engine.runtime.maxPoolIndices });
  await writeFile(values.save, encodeModel(g.model));
  await m.dispose();
  console.log(`${values.method} graph of ${values.model} at batch ${batch} written to ${values.save}`);
  process.exit(0);
}
if (positionals.length === 0) throw new Error('Give the graph files to time (written with --save), or --save FILE.');

const options: ort.InferenceSession.SessionOptions = {
  graphOptimizationLevel: 'all', executionProviders: ['cpu'], intraOpNumThreads: threads,
  extra: { session: { 'intra_op.allow_spinning': '0' } },
};
const plain = await ort.InferenceSession.create(bytes, options);
const input = plain.inputNames[0];
const x = new ort.Tensor('float32', Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, seededNormal(1)), shape);
// The seed of class 0 for every item, as a method targeting class 0 sends.
const seed = new ort.Tensor('float32', Float32Array.from({ length: batch * 1000 }, (_, i) => (i % 1000 === 0 ? 1 : 0)), [batch, 1000]);
// convlens creates its sessions without the memory pattern (src/engine/engine.ts).
const graphs = await Promise.all(positionals.map((f) => ort.InferenceSession.create(f, { ...options, enableMemPattern: false })));
const runs = [() => plain.run({ [input]: x }), ...graphs.map((s) => () => s.run({ [input]: x, [SEED]: seed }))];
for (const run of runs) await run();
const wall = runs.map((): number[] => []);
const cpu = runs.map((): number[] => []);
for (let r = 0; r < reps; r++) {
  for (const [i, run] of runs.entries()) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    wall[i].push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu[i].push((c.user + c.system) / 1000);
  }
}
const ratio = (times: number[][], i: number) => median(times[i].map((t, r) => t / times[0][r])).toFixed(2);
console.log(`${values.model}, batch ${batch}, ${threads} threads, ${reps} interleaved rounds; ratios to the plain forward pass of each round`);
console.table(['plain forward', ...positionals].map((name, i) => ({
  graph: name, 'wall ms': Math.round(median(wall[i])), 'x plain (wall)': Number(ratio(wall, i)), 'cpu ms': Math.round(median(cpu[i])), 'x plain (cpu)': Number(ratio(cpu, i)),
})));
