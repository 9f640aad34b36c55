/**
 * `npx tsx tools/bench/thread-policy.ts`: what onnxruntime's intra-op threads do between runs,
 * measured on convlens calls. Three copies of a bench model differ only in it: threads that stop
 * spinning when a run returns (convlens's setting), threads that sleep between tasks, and
 * onnxruntime's default (spinning on for tens of milliseconds after each run). In interleaved
 * rounds each copy runs Grad-CAM and saliency alone, in turn twice, and Grad-CAM three times in a row.
 *
 *   npx tsx tools/bench/thread-policy.ts [--model resnet18] [--batch 1] [--reps 12]
 */
import { parseArgs } from 'node:util';
import { gradCam, loadModel, saliency } from '../../src/node/index.js';
import { seededNormal } from '../../src/numeric/seeded-random.js';
import { benchChoice, exportedModelBytes } from './models.js';
import { median, timeMs } from './timing.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'resnet18' },
    batch: { type: 'string', default: '1' },
    reps: { type: 'string', default: '12' },
  },
});
const [batch, reps] = [Number(values.batch), Number(values.reps)];
if (![batch, reps].every((v) => Number.isInteger(v) && v > 0)) throw new Error('--batch and --reps take positive integers.');
const choice = benchChoice(values.model, 'legacy');
const { bytes } = await exportedModelBytes(choice.model, choice.exporter, 224);

const policies = {
  'stop after a run (convlens)': { force_spinning_stop: '1' },
  'sleep between tasks': { intra_op: { allow_spinning: '0' } },
  'spin (onnxruntime default)': {},
};
const models = await Promise.all(Object.values(policies).map(async (session) => {
  const model = await loadModel(bytes, { preprocess: 'imagenet' });
  model.engine.runtime.sessionOptions.extra = { session };
  return model;
}));
const x = { data: Float32Array.from({ length: batch * 3 * 224 * 224 }, seededNormal(1)), shape: [batch, 3, 224, 224] };
type Model = (typeof models)[number];
const cases: [string, (m: Model) => Promise<unknown>][] = [
  ['Grad-CAM alone', (m) => gradCam(m, x, { target: 0 })],
  ['saliency alone', (m) => saliency(m, x, { target: 0 })],
  ['Grad-CAM, saliency, Grad-CAM, saliency in turn', async (m) => { for (let k = 0; k < 2; k++) { await gradCam(m, x, { target: 0 }); await saliency(m, x, { target: 0 }); } }],
  ['Grad-CAM three times in a row', async (m) => { for (let k = 0; k < 3; k++) await gradCam(m, x, { target: 0 }); }],
];
for (const m of models) for (const [, run] of cases) await run(m);
const ms = cases.map(() => models.map(() => [] as number[]));
for (let r = 0; r < reps; r++) {
  // Each round starts with another policy, so none always follows the same one.
  for (let k = 0; k < models.length; k++) {
    const p = (r + k) % models.length;
    for (const [c, [, run]] of cases.entries()) {
      ms[c][p].push(await timeMs(() => run(models[p])));
    }
  }
}
console.log(`${choice.model}, batch ${batch}, ${models[0].engine.runtime.sessionOptions.intraOpNumThreads} threads, median of ${reps} interleaved rounds (ms)`);
console.table(cases.map(([name], c) => ({ case: name, ...Object.fromEntries(Object.keys(policies).map((p, i) => [p, Math.round(median(ms[c][i]))])) })));
await Promise.all(models.map((m) => m.dispose()));
