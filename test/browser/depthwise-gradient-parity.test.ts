/**
 * Gradient graphs of depthwise and squeeze-excitation networks on onnxruntime-web (WASM, in
 * headless Chromium): the input gradients of the MobileNet replicas, whose strided depthwise
 * layers are differentiated by spreading gy out and convolving it with stride 1, equal
 * PyTorch's.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Convlens from '../../src/browser/index.js';
import { expectClose, loadRefs } from '../methods/refs.js';
import { openBundlePage, type BundlePage } from './chromium.js';

const TOL = 2e-4;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

describe('depthwise gradient graphs on onnxruntime-web (WASM) against PyTorch', () => {
  let chrome: BundlePage;

  beforeAll(async () => {
    chrome = await openBundlePage({ '/fixtures/': here('../fixtures/') });
  });

  afterAll(async () => {
    await chrome?.close();
  });

  it.each(['mobilenet_v2', 'mobilenet_v3'])('%s: vanilla and guided input gradients', async (name) => {
    const refs = loadRefs(name);
    const x = refs.array('input');
    const web = await chrome.page.evaluate(async ({ file, input, shape, targets }) => {
      const convlens = (window as unknown as { convlens: typeof Convlens }).convlens;
      const model = await convlens.loadModel(`/fixtures/${file}`, { preprocess: 'unit', wasmPaths: '/ort/' });
      try {
        const x = { data: new Float32Array(input), shape };
        const target = { perImage: targets };
        const vanilla = await convlens.saliency(model, x, { target });
        const guided = await convlens.saliency(model, x, { target, rule: 'guided' });
        return [vanilla.raw, guided.raw].map((t) => ({ data: Array.from(t.data), shape: t.shape }));
      } finally {
        await model.dispose();
      }
    }, { file: refs.json.exports.legacy.file, input: Array.from(x.data), shape: x.shape, targets: refs.json.targets });
    const [vanilla, guided] = web.map((t) => ({ data: Float32Array.from(t.data), shape: t.shape }));
    expectClose(vanilla, refs.array('grad_input'), TOL, `${name} vanilla input gradient in Chromium`);
    expectClose(guided, refs.array('grad_input_guided'), TOL, `${name} guided input gradient in Chromium`);
    expect(chrome.problems).toEqual([]);
  });
});
