/**
 * The floor under the app's saliency time: saliency's own gradient graph (compiled here as
 * the library compiles it) run by bare onnxruntime-web on the app page's main thread, with
 * the app's WASM build, threads and session options, and nothing else (no worker messages,
 * preprocessing, target lookup or drawing). The app's time over this one is what the app
 * adds; this one over Node's is onnxruntime-web's WASM kernels against native ones.
 */
import { writeFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { buildGradientGraph, encodeModel } from '../../src/api.js';
import type { ConvlensModel } from '../../src/engine/model.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';

/** Folder of onnxruntime-web's dist files, to serve beside the app under `ortRoute`. */
export const ortDist = new URL('../../node_modules/onnxruntime-web/dist/', import.meta.url).pathname;
export const ortRoute = '/ortjs/';

/**
 * Writes saliency's gradient graph for `x` (one item) and `target` to `file` (served at `url`)
 * and opens a bare onnxruntime-web session of it on `page`; returns a function timing one run.
 */
export async function rawSaliencyRun(page: Page, model: ConvlensModel, x: FloatTensor, target: number, file: string, url: string): Promise<() => Promise<number>> {
  const seed = 'convlens.seed';
  const info = model.engine.shapeInfo(x.shape);
  const graph = buildGradientGraph(model.onnxModel, info, {
    wrt: [model.inputName], seeds: [{ output: model.outputName, seed }], relu: 'vanilla', taps: [model.outputName],
    // The page runs it on onnxruntime-web's WebAssembly kernels, which produce MaxPool's Indices.
    maxPoolIndices: true,
  });
  await writeFile(file, encodeModel(graph.model));
  const classes = info.shapes.get(model.outputName)![1];
  await page.evaluate(async ({ ortRoute, url, input, shape, inputName, seed, classes, target, threads }) => {
    const ort = await import(`${ortRoute}ort.wasm.min.mjs`);
    ort.env.wasm.wasmPaths = ortRoute;
    ort.env.wasm.numThreads = threads;
    const session = await ort.InferenceSession.create(url, { executionProviders: ['wasm'], graphOptimizationLevel: 'all', enableMemPattern: false });
    const seeds = new Float32Array(classes);
    seeds[target] = 1;
    const feeds = { [inputName]: new ort.Tensor('float32', Float32Array.from(input), shape), [seed]: new ort.Tensor('float32', seeds, [1, classes]) };
    (window as unknown as { rawRun: () => Promise<number> }).rawRun = async () => {
      const start = performance.now();
      await session.run(feeds);
      return performance.now() - start;
    };
  }, {
    ortRoute, url, input: Array.from(x.data), shape: x.shape, inputName: model.inputName, seed, classes, target,
    threads: await page.evaluate(() => navigator.hardwareConcurrency),
  });
  return () => page.evaluate(() => (window as unknown as { rawRun: () => Promise<number> }).rawRun());
}
