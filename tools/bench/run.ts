/**
 * `npm run bench`: convlens's methods on a full-width model exported by PyTorch against plain
 * forward passes of the same model bytes. Ratios, not milliseconds, are what carry over
 * between machines.
 *
 *   npm run bench -- [--model resnet50|resnet18|densenet121|mobilenet_v3_large] [--exporter legacy|dynamo]
 *                    [--batch 8] [--size 224] [--reps 7] [--suite all|core|explanations|memory|synthesis|scan] [--profile]
 *                    [--threads N (convlens's sessions; default every core)]
 *
 * core: Grad-CAM and saliency on a batch against the fastest plain onnxruntime forward pass
 * (the best thread count on this machine, all graph optimizations).
 * explanations: Grad-CAM for 10 classes of one image against one class; occlusion and
 * Score-CAM against as many forward passes at the best batch size (minutes on two cores).
 * synthesis (only when asked for): one activation-maximization step against a forward pass to
 * the objective's layer plus its input gradient (tools/bench/synthesis.ts; `--batch` defaults
 * to 4 there, `--full-steps` to 512).
 * scan: the dataset scan on the shapes demo model against its plain forward pass, and peak
 * RSS at 2k and 20k images (tools/bench/scan.ts).
 * `--profile` also prints onnxruntime's kernel time by op type for the core cases.
 * memory (not part of all): peak RSS of method sequences against the memory budget.
 */
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import type { ConvlensModel } from '../../src/engine/model.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { defaultCamLayer } from '../../src/methods/method-skeleton.js';
import { forward } from '../../src/methods/passes.js';
import { seededNormal } from '../../src/numeric/seeded-random.js';
import { gradCam, loadModel, saliency } from '../../src/node/index.js';
import { interleaved, type Case } from './interleaved.js';
import { memorySuite } from './memory.js';
import { benchOcclusion } from './occlusion.js';
import { benchChoice, exportedModelBytes, type BenchModel } from './models.js';
import { describeSettings, fastestPlainSession } from './plain-reference.js';
import { profileOps } from './profile.js';
import { benchScoreCam } from './score-cam.js';
import { synthesisSuite } from './synthesis.js';
import { scanSuite } from './scan.js';
import { scanQueueSuite } from './scan-queue.js';

const { values } = parseArgs({
  options: {
    batch: { type: 'string' },
    size: { type: 'string', default: '224' },
    reps: { type: 'string', default: '7' },
    suite: { type: 'string', default: 'all' },
    profile: { type: 'boolean', default: false },
    model: { type: 'string', default: 'resnet50' },
    exporter: { type: 'string', default: 'legacy' },
    threads: { type: 'string' },
    'full-steps': { type: 'string', default: '512' },
  },
});
const [batch, size, reps] = [values.batch ?? (values.suite === 'synthesis' ? '4' : '8'), values.size, values.reps].map(Number);
if (![batch, size, reps].every((v) => Number.isInteger(v) && v > 0)) throw new Error('--batch, --size and --reps take positive integers.');
if (!['all', 'core', 'explanations', 'memory', 'synthesis', 'scan'].includes(values.suite)) throw new Error('--suite takes all, core, explanations, memory, synthesis or scan.');
if (values.suite === 'memory') {
  await memorySuite(size);
  process.exit(0);
}
const { model: benchModel, exporter } = benchChoice(values.model, values.exporter);
/** Targets of the core cases, as multiples of the plain forward pass; ResNet-18 has none of its own. */
const coreTargets: Record<BenchModel, { gradcam?: number; saliency?: number }> = {
  resnet50: { gradcam: 1.1, saliency: 2.3 }, resnet18: {}, densenet121: { gradcam: 1.2, saliency: 2.5 }, mobilenet_v3_large: { gradcam: 1.2, saliency: 2.5 },
};
// ResNets name their last block `layer4`; elsewhere Grad-CAM's default, the last spatial layer.
const camLayer = benchModel.startsWith('resnet') ? 'layer4' : undefined;
if (!['all', 'core', 'explanations', 'synthesis', 'scan'].includes(values.suite)) throw new Error('--suite takes all, core, explanations, synthesis or scan.');
// The scan suite runs the small shapes demo model, not ResNet-50.
if (values.suite === 'scan') {
  await scanSuite(Math.min(reps, 3));
  await scanQueueSuite(2000, Math.min(reps, 3));
  process.exit(0);
}

const images = (n: number): FloatTensor => ({ data: Float32Array.from({ length: n * 3 * size * size }, seededNormal(1)), shape: [n, 3, size, size] });
const { bytes, path, built } = await exportedModelBytes(benchModel, exporter, size);
console.log(`${benchModel} (${values.exporter} export) ${built ? 'built and cached at' : 'read from'} ${path} (${(bytes.length / 2 ** 20).toFixed(0)} MiB), onnxruntime-node ${ort.env.versions.node}`);
const model = await loadModel(bytes, { preprocess: 'imagenet', threads: values.threads === undefined ? undefined : Number(values.threads) });
const footnote = "'x reference': median over rounds of (time / reference time of the same round). 'first call' includes compiling the sessions.";

/** The core cases, as functions of the model so `--profile` can rerun them on a profiling copy. */
const coreMethods = (x: FloatTensor): { name: string; target?: number; method: (m: ConvlensModel) => Promise<unknown> }[] => [
  { name: `gradcam ${camLayer ?? 'last spatial layer'}`, target: coreTargets[benchModel].gradcam, method: (m) => gradCam(m, x, { layer: camLayer, target: 0 }) },
  { name: 'saliency vanilla', target: coreTargets[benchModel].saliency, method: (m) => saliency(m, x, { target: 0 }) },
  { name: 'saliency guided', target: coreTargets[benchModel].saliency, method: (m) => saliency(m, x, { target: 0, rule: 'guided' }) },
];

async function coreSuite(m: ConvlensModel): Promise<void> {
  const x = images(batch);
  const feeds = { [m.inputName]: new ort.Tensor('float32', x.data, x.shape) };
  const plain = await fastestPlainSession(bytes, feeds, reps);
  const methods = coreMethods(x);
  const cases: Case[] = methods.map((c) => ({ name: c.name, target: c.target, run: () => c.method(m) }));
  const rows = await interleaved({ name: `forward (onnxruntime, ${plain.threads} threads${plain.spinning ? ' spinning' : ''})`, run: plain.run }, cases, reps);
  const chunk = m.engine.chunkSize(m.itemShape, batch, 3);
  console.log(`\ncore: batch ${batch} at ${size}x${size}, ${reps} rounds, convlens on ${m.engine.runtime.sessionOptions.intraOpNumThreads} threads;`
    + ` reference: the fastest plain onnxruntime forward pass (ms by setting: ${describeSettings(plain)})`
    + (chunk < batch ? `; gradient runs split the batch into chunks of ${chunk} (memory budget)` : ''));
  console.log('alternating: every round runs all the cases, so their sessions must share the memory budget');
  console.table(rows);
  const steady = [];
  for (const c of cases) steady.push((await interleaved({ name: 'forward', run: plain.run }, [c], reps))[1]);
  console.log('steady state: each case alone against the reference, as repeated calls of one method run');
  console.table(steady);
  console.log(`${footnote} Sessions cached at the end: ${m.engine.sessionCount}, estimated ${(m.engine.sessionBytes / 2 ** 20).toFixed(0)} MiB of a ${(m.engine.runtime.memoryBudget / 2 ** 20).toFixed(0)} MiB budget.`);
  await plain.release();
  if (!values.profile) return;
  for (const c of [{ name: 'forward (convlens, pinned batch)', method: (mm: ConvlensModel) => forward(mm, x, [mm.outputName]) }, ...methods]) {
    const p = await profileOps(bytes, c.method, 3);
    const top = p.ops.slice(0, 8).map(([op, ms]) => `${op} ${ms.toFixed(0)} (${Math.round((100 * ms) / p.totalMs)}%)`);
    console.log(`${c.name}: ${p.totalMs.toFixed(0)} ms of kernels per call: ${top.join(', ')}`);
  }
}

async function explanationsSuite(m: ConvlensModel): Promise<void> {
  const one = images(1);
  const classes = Array.from({ length: 10 }, (_, i) => i);
  const rows = await interleaved(
    { name: 'gradcam, 1 class', run: () => gradCam(m, one, { layer: camLayer, target: 0 }) },
    [{ name: 'gradcam, 10 classes', target: 1.5, run: () => gradCam(m, one, { layer: camLayer, target: classes }) }], reps);
  console.log(`\nexplanations: one image at ${size}x${size}, ${reps} rounds, reference: Grad-CAM for one class`);
  console.table(rows);
  console.log(footnote);

  const occ = await benchOcclusion(m, one);
  console.log(`\nocclusion (patch ${Math.ceil(size / 8)}, stride ${Math.ceil(Math.ceil(size / 8) / 2)}): ${occ.gridH}x${occ.gridW} = ${occ.variants} occluded inputs in ${(occ.occlusionMs / 1000).toFixed(1)} s;`
    + ` forward floor ${occ.forwardMsPerImage.toFixed(1)} ms/image at batch ${occ.bestBatch} -> ${(occ.baselineMs / 1000).toFixed(1)} s;`
    + ` ratio ${occ.ratio.toFixed(2)} (target <= 1.1: ${occ.ratio <= 1.1 ? 'met' : 'NOT met'})`);

  const scLayer = camLayer ?? defaultCamLayer(m);
  const sc = await benchScoreCam(m, one, scLayer);
  console.log(`Score-CAM ${scLayer}: ${sc.channels} channels, ${sc.forwards} forwards at batch ${sc.batchSize} in ${(sc.scoreCamMs / 1000).toFixed(1)} s;`
    + ` forward floor ${sc.forwardMsPerImage.toFixed(1)} ms/image at batch ${sc.bestBatch} -> ${(sc.baselineMs / 1000).toFixed(1)} s;`
    + ` ratio ${sc.ratio.toFixed(2)} (target <= 1.1: ${sc.ratio <= 1.1 ? 'met' : 'NOT met'})`);
  console.log(`  forward ms/image by batch: ${sc.perBatch.map((p) => `${p.batch}: ${p.msPerImage.toFixed(1)}`).join(', ')}`);
}

try {
  if (values.suite === 'all' || values.suite === 'core') await coreSuite(model);
  if (values.suite === 'all' || values.suite === 'explanations') await explanationsSuite(model);
  if (values.suite === 'synthesis') await synthesisSuite(model, { batch, reps, fullSteps: Number(values['full-steps']) });
} finally {
  await model.dispose();
}
