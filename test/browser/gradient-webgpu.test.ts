/**
 * Gradient graphs on onnxruntime-web's WebGPU provider (Chromium's software WebGPU, so no
 * GPU is needed): the input gradients of PyTorch-exported CNNs under each ReLU rule equal
 * PyTorch's own (test/fixtures/refs), across the forms gradient graphs use (input gradients
 * as Convs of in-graph flipped weights, unit depthwise ReLU masks, ConvTransposes that crop
 * one side, MaxPool windows gathered and ArgMax-ed, ceil_mode pools, strided depthwise,
 * squeeze-excitation, hard-swish and grouped layers), and the page loads the WebGPU build's
 * WebAssembly.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Convlens from '../../src/browser/index.js';
import { loadRefs } from '../methods/refs.js';
import { openBundlePage, type BundlePage } from './chromium.js';

/** WebGPU sums in other orders than PyTorch's CPU kernels: a relative tolerance of the map's largest value. */
const REL = 1e-4;
// In this order on one page: onnxruntime-web's JavaScript WebGPU kernels reused AlexNet's 3 x 3 ArgMax shader for VGG's 2 x 2 windows.
// Not GoogLeNet: onnxruntime-web 1.30's WebGPU Conv computes wrong forward outputs for its 3 x 3 layer of 6 input channels (18 too).
const models = ['tiny_cnn', 'resnet_basic', 'mobilenet_v2', 'mobilenet_v3', 'densenet', 'alexnet', 'vgg', 'squeezenet'];
const rules = [['vanilla', 'grad_input'], ['guided', 'grad_input_guided'], ['deconvnet', 'grad_input_deconvnet']] as const;

describe('gradient graphs on WebGPU (Chromium software WebGPU) against PyTorch', () => {
  let chrome: BundlePage;
  beforeAll(async () => {
    chrome = await openBundlePage({ '/fixtures/': fileURLToPath(new URL('../fixtures/', import.meta.url)) }, { webgpu: true });
  });
  afterAll(async () => {
    await chrome?.close();
  });

  it.each(models)('%s: saliency under every ReLU rule', async (name) => {
    const refs = loadRefs(name);
    const x = refs.array('input');
    const web = await chrome.page.evaluate(async ({ file, input, shape, targets, rules }) => {
      const convlens = (window as unknown as { convlens: typeof Convlens }).convlens;
      const model = await convlens.loadModel(`/fixtures/${file}`, { preprocess: 'unit', wasmPaths: '/ort/', executionProvider: 'webgpu' });
      try {
        const out: Record<string, number[]> = {};
        for (const rule of rules) {
          const sal = await convlens.saliency(model, { data: new Float32Array(input), shape }, { target: { perImage: targets }, rule });
          out[rule] = Array.from(sal.raw.data);
        }
        return out;
      } finally {
        await model.dispose();
      }
    }, { file: refs.json.exports.legacy.file, input: Array.from(x.data), shape: x.shape, targets: refs.json.targets, rules: rules.map(([r]) => r) });
    for (const [rule, array] of rules) {
      const expected = refs.array(array).data;
      const scale = expected.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      let worst = 0;
      for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(web[rule][i] - expected[i]));
      expect(web[rule].length).toBe(expected.length);
      expect(scale, `${name} ${rule}`).toBeGreaterThan(0);
      expect(worst, `${name} ${rule}: largest |WebGPU - PyTorch| ${worst} of scale ${scale}`).toBeLessThanOrEqual(REL * scale);
    }
    expect(chrome.requests.filter((u) => u.endsWith('.wasm')).map((u) => u.slice(u.lastIndexOf('/') + 1))).toEqual(['ort-wasm-simd-threaded.asyncify.wasm']);
    expect(chrome.problems).toEqual([]);
  }, 120_000);
});
