/**
 * `npm run bench:browser`: a forward pass, Grad-CAM and saliency in headless Chromium (onnxruntime-web WASM,
 * threads on a cross-origin isolated page) against the same calls in Node
 * (onnxruntime-node), on a PyTorch export, as the ratio browser / Node per interleaved round.
 *
 *   npm run bench:browser -- [--model resnet18] [--exporter legacy|dynamo] [--batch 4] [--reps 5]
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type * as Convlens from '../../src/browser/index.js';
import { seededNormal } from '../../src/numeric/seeded-random.js';
import { forward, gradCam, loadModel, saliency } from '../../src/node/index.js';
import { openTestPage } from '../../test/browser/chromium.js';
import { bundleBrowserEntry, bundleDir } from '../browser/bundle.js';
import { crossOriginIsolation, startStaticServer } from '../browser/static-server.js';
import { benchChoice, exportedModelBytes } from './models.js';
import { median, settle, timeMs } from './timing.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'resnet18' },
    exporter: { type: 'string', default: 'legacy' },
    batch: { type: 'string', default: '4' },
    reps: { type: 'string', default: '5' },
  },
});
const [batch, reps] = [Number(values.batch), Number(values.reps)];
if (![batch, reps].every((v) => Number.isInteger(v) && v > 0)) throw new Error('--batch and --reps take positive integers.');
const choice = benchChoice(values.model, values.exporter);

const size = 224;
const { bytes, path } = await exportedModelBytes(choice.model, choice.exporter, size);
const layer = values.model.startsWith('resnet') ? 'layer4' : undefined;
const input = Float32Array.from({ length: batch * 3 * size * size }, seededNormal(1));
const x = { data: input, shape: [batch, 3, size, size] };
// The forward pass shows how much of the ratio is the WASM kernels themselves.
const methods = ['forward', 'gradcam', 'saliency'] as const;

await bundleBrowserEntry();
const server = await startStaticServer({
  '/': fileURLToPath(new URL('../../test/browser/page/', import.meta.url)),
  '/bundle/': bundleDir,
  '/ort/': fileURLToPath(new URL('../../node_modules/onnxruntime-web/dist/', import.meta.url)),
  '/models/': `${dirname(path)}/`,
}, crossOriginIsolation);
const chrome = await openTestPage(server.url);
const node = await loadModel(bytes);
try {
  // tsx keeps function names with a `__name` helper that the page does not have.
  await chrome.page.evaluate('window.__name = (f) => f');
  const threading = await chrome.page.evaluate(async ({ url, data, shape, layer }) => {
    const convlens = (window as unknown as { convlens: typeof Convlens }).convlens;
    const model = await convlens.loadModel(url, { wasmPaths: '/ort/' });
    const x = { data: new Float32Array(data), shape };
    const calls = {
      forward: () => convlens.forward(model, x, [model.outputName]),
      gradcam: () => convlens.gradCam(model, x, { layer, target: 0 }),
      saliency: () => convlens.saliency(model, x, { target: 0 }),
    };
    (window as unknown as { benchCall: (m: keyof typeof calls) => Promise<number> }).benchCall = async (m) => {
      const t0 = performance.now();
      await calls[m]();
      return performance.now() - t0;
    };
    return convlens.browserThreading();
  }, { url: `/models/${path.split('/').pop()}`, data: Array.from(input), shape: x.shape, layer });
  const inBrowser = async (m: (typeof methods)[number]) => { await settle(); return chrome.page.evaluate((mm) => (window as unknown as { benchCall: (m: string) => Promise<number> }).benchCall(mm), m); };
  const nodeCalls = {
    forward: () => forward(node, x, [node.outputName]),
    gradcam: () => gradCam(node, x, { layer, target: 0 }),
    saliency: () => saliency(node, x, { target: 0 }),
  };
  const inNode = (m: (typeof methods)[number]) => timeMs(nodeCalls[m]);

  // Two untimed calls each compile the sessions and settle the allocators.
  for (const m of methods) for (let i = 0; i < 2; i++) { await inNode(m); await inBrowser(m); }
  const rows = [];
  for (const m of methods) {
    const ms: { node: number; web: number }[] = [];
    for (let r = 0; r < reps; r++) ms.push({ node: await inNode(m), web: await inBrowser(m) });
    rows.push({
      method: m,
      'node ms': Math.round(median(ms.map((t) => t.node))),
      'browser ms': Math.round(median(ms.map((t) => t.web))),
      'browser / node': Number(median(ms.map((t) => t.web / t.node)).toFixed(2)),
      target: m === 'forward' ? '' : '<= 2.5x',
    });
  }
  console.log(`${values.model} (${values.exporter} export), batch ${batch} at ${size}x${size}, ${reps} rounds;`
    + ` Node on ${node.engine.runtime.sessionOptions.intraOpNumThreads} threads, Chromium WASM on ${threading.threads} (cross-origin isolated: ${threading.isolated})`);
  console.table(rows);
  console.log("'browser / node': median over rounds of (browser time / Node time of the same round).");
} finally {
  await node.dispose();
  await chrome.browser.close();
  await server.close();
}
