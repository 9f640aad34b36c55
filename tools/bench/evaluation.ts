/**
 * Explanation metrics against their floor. Deletion and insertion of one image on ResNet-50
 * need 2 x 224 perturbed inputs at 224 x 224; the floor is as many plain forward passes at
 * the model's best batch size, timed in alternating rounds so shared-machine load hits both
 * alike (each side is minutes long on two cores, so the rounds are few). Then the time of the demo's full table (every method by every metric on both tank
 * models). ROAD's cost is mostly its imputations, timed against the forward passes it scores.
 *
 *   npx tsx tools/bench/evaluation.ts [--size 224] [--reps 2] [--part all|deletion|road|demo]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { ConvlensModel } from '../../src/engine/model.js';
import { deletionCurves, insertionCurves } from '../../src/evaluate/deletion-insertion.js';
import { roadCurves } from '../../src/evaluate/road.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { defaultBatchSize } from '../../src/methods/occlusion.js';
import { forward } from '../../src/methods/passes.js';
import { seededNormal } from '../../src/numeric/seeded-random.js';
import { gradCam, loadModel } from '../../src/node/index.js';
import { tankEvaluation } from '../../src/demo/studies/tank-evaluation.js';
import { forwardFloor } from './forward-floor.js';
import { resNet50Bytes } from './resnet50.js';
import { median, repeatItems, timeMs } from './timing.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: '224' }, reps: { type: 'string', default: '2' }, part: { type: 'string', default: 'all' } } });
const [size, reps] = [values.size, values.reps].map(Number);
if (![size, reps].every((v) => Number.isInteger(v) && v > 0)) throw new Error('--size and --reps take positive integers.');
if (!['all', 'deletion', 'road', 'demo'].includes(values.part)) throw new Error('--part takes all, deletion, road or demo.');

/** `count` forward passes in calls of `batch` items: the floor any batched metric is held to. */
function forwardPasses(model: ConvlensModel, x: FloatTensor, count: number, batch: number): () => Promise<void> {
  const full = repeatItems(x, batch);
  const rest = count % batch ? repeatItems(x, count % batch) : null;
  return async () => {
    for (let done = 0; done + batch <= count; done += batch) await forward(model, full, [model.outputName]);
    if (rest) await forward(model, rest, [model.outputName]);
  };
}

/** ResNet-50 at the bench size, one seeded input and its Grad-CAM map; the model is disposed after `use`. */
async function withResNet50Map(use: (model: ConvlensModel, x: FloatTensor, map: FloatTensor) => Promise<void>): Promise<void> {
  const { bytes } = await resNet50Bytes(size);
  const model = await loadModel(bytes, { preprocess: 'imagenet' });
  try {
    const x = { data: Float32Array.from({ length: 3 * size * size }, seededNormal(1)), shape: [1, 3, size, size] };
    await use(model, x, (await gradCam(model, x, { layer: 'layer4', target: 0 })).map);
  } finally {
    await model.dispose();
  }
}

async function deletionInsertionBench(): Promise<void> {
  await withResNet50Map(async (model, x, map) => {
    const steps = Math.round(Math.sqrt(size * size));
    const passes = 2 * steps;
    const floor = await forwardFloor(model, x, 64);
    console.log(`forward floor: ${floor.msPerImage.toFixed(1)} ms/image at batch ${floor.bestBatch} (${floor.perBatch.map((p) => `${p.batch}: ${p.msPerImage.toFixed(1)}`).join(', ')})`);
    const batch = defaultBatchSize(model, steps);
    // Compile every session shape both sides use with short runs: a chunk of `batch` and the last, shorter one.
    await deletionCurves(model, x, map, { target: 0, steps: batch + (steps % batch || batch) });
    await forwardPasses(model, x, floor.bestBatch + (passes % floor.bestBatch), floor.bestBatch)();
    await forwardPasses(model, x, batch + (passes % batch), batch)();
    const reference = forwardPasses(model, x, passes, floor.bestBatch);
    // The floor's best batch is picked from short, noisy timings; the metric's own batch size is the other candidate.
    const sameBatch = batch === floor.bestBatch ? null : forwardPasses(model, x, passes, batch);
    const metric = async () => {
      await deletionCurves(model, x, map, { target: 0 });
      await insertionCurves(model, x, map, { target: 0 });
    };
    const ratios: number[] = [];
    for (let r = 0; r < reps; r++) {
      const best = await timeMs(reference);
      const same = sameBatch ? await timeMs(sameBatch) : best;
      const ms = await timeMs(metric);
      // Against the faster of the two references of this round: the best batch size, measured.
      const ref = Math.min(best, same);
      ratios.push(ms / ref);
      console.log(`round ${r + 1}: ${passes} forwards at batch ${floor.bestBatch} ${(best / 1000).toFixed(1)} s, at batch ${batch} ${(same / 1000).toFixed(1)} s;`
        + ` deletion + insertion (batch ${batch}) ${(ms / 1000).toFixed(1)} s; ratio ${(ms / ref).toFixed(3)}`);
    }
    const ratio = median(ratios);
    console.log(`deletion + insertion, one image and one map on ResNet-50 at ${size}x${size}: ${ratio.toFixed(3)}x ${passes} forwards at the best batch size`
      + ` (median of ${reps} interleaved rounds; target <= 1.1: ${ratio <= 1.1 ? 'met' : 'NOT met'})`);
  });
}

/** ROAD of one Grad-CAM map on ResNet-50: 18 imputed inputs, against 18 plain forward passes at the same batch size. */
async function roadBench(): Promise<void> {
  await withResNet50Map(async (model, x, map) => {
    const passes = 18;
    const batch = defaultBatchSize(model, passes);
    const reference = forwardPasses(model, x, passes, batch);
    const road = () => roadCurves(model, x, map, { target: 0, seed: 1 });
    await reference();
    await road();
    const rounds: { road: number; ref: number }[] = [];
    for (let r = 0; r < reps; r++) rounds.push({ ref: await timeMs(reference), road: await timeMs(road) });
    const ratio = median(rounds.map((r) => r.road / r.ref));
    console.log(`ROAD (MoRF + LeRF at 9 fractions), one image on ResNet-50 at ${size}x${size}: ${(median(rounds.map((r) => r.road)) / 1000).toFixed(2)} s,`
      + ` ${ratio.toFixed(2)}x its ${passes} forward passes at batch ${batch} (median of ${reps} interleaved rounds)`);
  });
}

async function demoTableBench(): Promise<void> {
  const path = (name: string) => fileURLToPath(new URL(`../../models/${name}.onnx`, import.meta.url));
  const [shortcut, fixed] = await Promise.all([loadModel(path('tank-shortcut')), loadModel(path('tank-fixed'))]);
  try {
    const cpu = process.cpuUsage();
    let separating: string[] = [];
    const ms = await timeMs(async () => { separating = (await tankEvaluation({ shortcut, fixed })).separating; });
    const used = process.cpuUsage(cpu);
    console.log(`\ndemo table (13 methods x deletion, insertion, drop, pointing, randomization of the top 3 layers; both tank models, 3 images):`
      + ` ${(ms / 1000).toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU; separating: ${separating.join(', ')}`);
  } finally {
    await Promise.all([shortcut.dispose(), fixed.dispose()]);
  }
}

if (values.part === 'all' || values.part === 'deletion') await deletionInsertionBench();
if (values.part === 'all' || values.part === 'road') await roadBench();
if (values.part === 'all' || values.part === 'demo') await demoTableBench();
