/**
 * Trains the demo models of `convlens demo` with convlens's own trainer on its
 * generated scenes, and writes them with their labels, preprocessing and input size in the
 * model metadata, so `loadModel(path)` needs no options. Recipes: tools/demo-models/recipes.ts.
 *
 *   npm run train:demo                                   # all of them, into models/
 *   npm run train:demo -- --only tank-fixed --out /tmp/m # one, elsewhere (e.g. to compare bytes)
 *
 * Every recipe is seeded: training again writes the same bytes.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadModel } from '../src/node/index.js';
import { nodeRuntimeWithThreads } from '../src/node/runtime.js';
import { withAnnotations } from '../src/onnx/annotations.js';
import { encodeModel } from '../src/onnx/codec.js';
import { smallCnn } from '../src/train/architectures.js';
import { train } from '../src/train/trainer.js';
import { heldOutMetrics } from './demo-models/held-out.js';
import { demoRecipes, type DemoRecipe } from './demo-models/recipes.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    out: { type: 'string', default: 'models' },
  },
});
const names = demoRecipes.map((r) => r.name);
const only = values.only?.split(',') ?? names;
const unknown = only.filter((n) => !names.includes(n as DemoRecipe['name']));
if (unknown.length > 0) throw new Error(`--only takes names among ${names.join(', ')}; unknown: ${unknown.join(', ')}.`);
mkdirSync(values.out, { recursive: true });

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Trains one recipe and returns the model's file bytes. */
async function trainRecipe(recipe: DemoRecipe): Promise<Uint8Array> {
  const started = performance.now();
  const data = recipe.data(recipe.seed);
  const generated = performance.now();
  const size = recipe.architecture.inputSize;
  const inputSize: [number, number] = typeof size === 'number' ? [size, size] : size;
  const { model, history } = await train(smallCnn({ ...recipe.architecture, seed: recipe.seed }), data, {
    // One thread: reductions split across threads would make the bytes depend on the machine's cores.
    ...recipe.training, seed: recipe.seed, runtime: nodeRuntimeWithThreads(1),
  });
  const trained = performance.now();
  // Crop with fraction 1 keeps pictures of the input size as they are (the default 0.875
  // would zoom in), and centre-crops other pictures to the model's aspect.
  const annotated = withAnnotations({ ...model, graph: { ...model.graph, name: recipe.name } }, {
    preprocess: { preset: 'unit', resize: 'crop', cropFraction: 1 },
    inputSize,
    labels: recipe.labels,
    // A model trained on squared error predicts values; its outputs are shown as they are.
    outputs: recipe.training.loss === 'mse' ? 'values' : 'classes',
  });
  const last = history.at(-1)!;
  console.log(`  ${data.x.shape[0]} scenes in ${seconds(generated - started)}, ${history.length} epochs in ${seconds(trained - generated)} (${seconds(trained - started)} in all)`);
  console.log(`  training loss by epoch: ${history.map((h) => h.loss.toFixed(3)).join(' ')}${last.accuracy === undefined ? '' : `; last epoch's accuracy ${(100 * last.accuracy).toFixed(1)} %`}`);
  return encodeModel(annotated);
}

for (const recipe of demoRecipes.filter((r) => only.includes(r.name))) {
  console.log(`${recipe.name}: ${recipe.purpose}`);
  const bytes = await trainRecipe(recipe);
  const file = join(values.out, `${recipe.name}.onnx`);
  writeFileSync(file, bytes);
  const model = await loadModel(file);
  try {
    console.log((await heldOutMetrics(recipe.name, model)).replace(/^/gm, '  '));
  } finally {
    await model.dispose();
  }
  console.log(`  wrote ${file} (${(bytes.length / 1024).toFixed(0)} KiB)`);
}
