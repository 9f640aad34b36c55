/**
 * `npx tsx tools/bench/app.ts`: the web app in headless Chromium (onnxruntime-web WASM in the
 * app's worker, threads on the app server's cross-origin isolated page) on a full-width
 * PyTorch export.
 *
 * 1. Time from dropping the model file on the page (a picture already chosen) to the first
 *    Grad-CAM figure shown, Explain pressed as soon as the model is listed: reading,
 *    the predictions' forward session and Grad-CAM's gradient graph compiled and run. Node's
 *    own cold path (open, predict, first Grad-CAM) is printed for scale.
 * 2. Each later explanation as the worker timed it (preprocessing, method, drawing), as a
 *    ratio to the same call in Node (preprocessing and method) run in interleaved rounds:
 *    Node as a user calls it (no target: the top class is picked inside the gradient graph),
 *    and Node given the class explicitly, as the app passes the top class it knows from the
 *    picture's predictions. Both are one run of the same gradient graph, as on the page.
 * 3. Saliency's gradient graph run by bare onnxruntime-web on the page (tools/bench/app-raw-ort.ts),
 *    interleaved with the rest: what the app adds to onnxruntime-web, and onnxruntime-web's
 *    WASM against onnxruntime-node on the same graph.
 *
 *   npx tsx tools/bench/app.ts [--model resnet18] [--exporter legacy|dynamo] [--reps 5] [--app DIR]
 *
 * `--app DIR` serves an app built before (`npx tsx tools/app/bundle-app.ts DIR`), to compare
 * two versions of the app under the same load.
 */
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { demoModelsDir, startAppServer } from '../../src/cli/app-server.js';
import { forward, gradCam, loadModel, saliency } from '../../src/node/index.js';
import { tankScene } from '../../src/demo/scenes/index.js';
import { openPage } from '../../test/browser/chromium.js';
import { bundleApp } from '../app/bundle-app.js';
import { rawSaliencyRun, ortDist, ortRoute } from './app-raw-ort.js';
import { dropModelToFirstGradCam } from './app-steps.js';
import { benchChoice, exportedModelBytes } from './models.js';
import { median, settle, timeMs } from './timing.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'resnet18' },
    exporter: { type: 'string', default: 'legacy' },
    reps: { type: 'string', default: '5' },
    app: { type: 'string' },
  },
});
const reps = Number(values.reps);
if (!Number.isInteger(reps) || reps < 1) throw new Error('--reps takes a positive integer.');
const choice = benchChoice(values.model, values.exporter);
const { path } = await exportedModelBytes(choice.model, choice.exporter, 224);

const appDir = values.app ? `${values.app.replace(/\/$/, '')}/` : await bundleApp(new URL('../../.cache/bench-app/', import.meta.url).pathname);
const server = await startAppServer({ '/': appDir, '/models/': demoModelsDir, '/bench/': `${dirname(path)}/`, [ortRoute]: ortDist });
const chrome = await openPage(server.url, { what: 'the app', test: () => document.body.dataset.ready === 'true' });
const { page } = chrome;

/** Checks only `methods` in the Explanations tab, clicks Explain, and returns the worker's ms per method. */
async function explainOnly(p: Page, methods: string[]): Promise<Record<string, number>> {
  return p.evaluate(async (wanted) => {
    for (const box of Array.from(document.querySelectorAll<HTMLInputElement>('.method input.use'))) box.checked = wanted.includes(box.id.slice(4));
    document.getElementById('run-explain')!.click();
    const done = () => wanted.every((m) => document.querySelector(`#explain-results .card[data-method="${m}"]`));
    while (!done()) {
      if (!document.getElementById('error')!.hidden) throw new Error(document.getElementById('error')!.textContent!);
      await new Promise((r) => setTimeout(r, 5));
    }
    return Object.fromEntries(wanted.map((m) => [m, Number((document.querySelector(`#explain-results .card[data-method="${m}"]`) as HTMLElement).dataset.ms)]));
  }, methods);
}

try {
  // tsx keeps function names with a `__name` helper that the page does not have.
  await page.evaluate('window.__name = (f) => f');
  await page.click('button.scene[data-scene="tank-bright"]');
  await page.waitForSelector('#picture canvas');
  const seed = Number(/seed (\d+)/.exec((await page.textContent('#picture .hint'))!)![1]);
  const firstMs = await dropModelToFirstGradCam(page, `/bench/${basename(path)}`);

  // Node's own cold path for scale: open, predict (forward), first Grad-CAM.
  const coldStart = performance.now();
  const node = await loadModel(path);
  try {
    const cold = tankScene(seed, { tank: true, sky: 'bright', size: 64 }).image;
    const cx = await node.preprocess([cold]);
    await Promise.all([forward(node, cx, [node.outputName]), gradCam(node, cx)]);
    const nodeColdMs = performance.now() - coldStart;
    const image = tankScene(seed, { tank: true, sky: 'bright', size: 64 }).image;
    const scores = (await forward(node, await node.preprocess([image]), [node.outputName]))[node.outputName].data;
    const target = scores.indexOf(Math.max(...scores));
    const nodeRuns = {
      gradcam: async () => gradCam(node, await node.preprocess([image])),
      saliency: async () => saliency(node, await node.preprocess([image])),
    };
    const nodeKnownTarget = {
      gradcam: async () => gradCam(node, await node.preprocess([image]), { target }),
      saliency: async () => saliency(node, await node.preprocess([image]), { target }),
    };
    // Warm-up: Node compiles its sessions; the page compiles saliency's gradient graph.
    for (const run of [...Object.values(nodeRuns), ...Object.values(nodeKnownTarget)]) await run();
    await explainOnly(page, ['saliency']);
    const rawRun = await rawSaliencyRun(page, node, await node.preprocess([image]), target, `${dirname(path)}/saliency-graph.onnx`, '/bench/saliency-graph.onnx');
    await rawRun();
    const [rawMs, appOverRaw, rawOverNode] = [[] as number[], [] as number[], [] as number[]];
    const series = () => ({ gradcam: [] as number[], saliency: [] as number[] });
    const [ratios, knownRatios, webMs, nodeMs, knownMs] = [series(), series(), series(), series(), series()];
    for (let r = 0; r < reps; r++) {
      for (const method of ['gradcam', 'saliency'] as const) {
        await settle();
        const web = (await explainOnly(page, [method]))[method];
        const ms = await timeMs(nodeRuns[method]);
        const known = await timeMs(nodeKnownTarget[method]);
        webMs[method].push(web);
        nodeMs[method].push(ms);
        knownMs[method].push(known);
        ratios[method].push(web / ms);
        knownRatios[method].push(web / known);
        if (method === 'saliency') {
          await settle();
          const raw = await rawRun();
          rawMs.push(raw);
          appOverRaw.push(web / raw);
          rawOverNode.push(raw / known);
        }
      }
    }
    const threads = await page.textContent('#backend');
    console.log(`app bench: ${choice.model} (${choice.exporter} export), Chromium ${threads} (cross-origin isolated: ${await page.evaluate(() => crossOriginIsolated)}), Node onnxruntime-node; ${reps} interleaved rounds; shared machine: absolute times are noisy, ratios less so.`);
    console.log(`drop to first Grad-CAM shown: ${(firstMs / 1000).toFixed(2)} s (target < 5 s); Node opening the same file, predicting and its first Grad-CAM: ${(nodeColdMs / 1000).toFixed(2)} s`);
    for (const method of ['gradcam', 'saliency'] as const) {
      console.log(`${method}: page ${median(webMs[method]).toFixed(0)} ms, Node ${median(nodeMs[method]).toFixed(0)} ms, median ratio page / Node ${median(ratios[method]).toFixed(2)}x (target <= 2.5x); `
        + `Node given the class ${median(knownMs[method]).toFixed(0)} ms, ratio ${median(knownRatios[method]).toFixed(2)}x`);
    }
    console.log(`saliency's graph on bare onnxruntime-web in the page: ${median(rawMs).toFixed(0)} ms; app / bare ${median(appOverRaw).toFixed(2)}x (what the app adds), `
      + `bare onnxruntime-web / Node given the class ${median(rawOverNode).toFixed(2)}x (WASM kernels against native ones)`);
  } finally {
    await node.dispose();
  }
  if (chrome.problems.length > 0) console.log(`page problems: ${chrome.problems.join('; ')}`);
} finally {
  await chrome.browser.close();
  await server.close();
}
