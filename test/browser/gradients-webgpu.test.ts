/**
 * Input gradients through onnxruntime-web's WebGPU execution provider, on Chromium's software
 * WebGPU (no GPU needed), against PyTorch: a strided 3 x 3 layer whose ConvTranspose crops
 * one side only (tiny_cnn), a ResNet stem with MaxPool, and MobileNetV3's strided depthwise,
 * squeeze-excitation and hard-swish layers. Every Conv convlens adds spells out kernel_shape,
 * which the WebGPU kernels need.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Convlens from '../../src/browser/index.js';
import { bundleBrowserEntry, bundleDir } from '../../tools/browser/bundle.js';
import { startStaticServer, type StaticServer } from '../../tools/browser/static-server.js';
import { expectClose, loadRefs } from '../methods/refs.js';
import { openPage, type TestPage } from './chromium.js';

// GPU kernels sum in other orders than PyTorch's; 1e-3 of the largest gradient still catches a wrong tap.
const TOL = 1e-3;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

describe('gradient graphs on onnxruntime-web WebGPU against PyTorch', () => {
  let server: StaticServer;
  let chrome: TestPage;

  beforeAll(async () => {
    await bundleBrowserEntry();
    server = await startStaticServer({
      '/': here('page/'),
      '/bundle/': bundleDir,
      '/ort/': here('../../node_modules/onnxruntime-web/dist/'),
      '/fixtures/': here('../fixtures/'),
    });
    chrome = await openPage(server.url, { what: 'the convlens bundle', test: () => 'convlens' in window }, { webgpu: true });
  });

  afterAll(async () => {
    await chrome?.browser.close();
    await server?.close();
  });

  it.each(['tiny_cnn', 'resnet_basic', 'mobilenet_v3'])('%s: vanilla input gradient', async (name) => {
    const refs = loadRefs(name);
    const x = refs.array('input');
    const web = await chrome.page.evaluate(async ({ file, input, shape, targets }) => {
      const convlens = (window as unknown as { convlens: typeof Convlens }).convlens;
      const model = await convlens.loadModel(`/fixtures/${file}`, { preprocess: 'unit', wasmPaths: '/ort/', executionProvider: 'webgpu' });
      try {
        const sal = await convlens.saliency(model, { data: new Float32Array(input), shape }, { target: { perImage: targets } });
        return { data: Array.from(sal.raw.data), shape: sal.raw.shape };
      } finally {
        await model.dispose();
      }
    }, { file: refs.json.exports.legacy.file, input: Array.from(x.data), shape: x.shape, targets: refs.json.targets });
    expectClose({ data: Float32Array.from(web.data), shape: web.shape }, refs.array('grad_input'), TOL, `${name} vanilla input gradient on WebGPU`);
    // onnxruntime warns that it keeps shape ops on the CPU; nothing else may be logged.
    expect(chrome.problems.filter((p) => !p.includes('VerifyEachNodeIsAssignedToAnEp'))).toEqual([]);
  });
});
