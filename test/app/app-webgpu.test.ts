/**
 * WebGPU in the app, on Chromium's software WebGPU (SwiftShader's Vulkan on the CPU), so it
 * runs on machines without a GPU: the backend probe picks WebGPU, and Grad-CAM, saliency and
 * guided backpropagation maps computed through onnxruntime-web's WebGPU execution provider
 * equal the ones its WASM backend gives (on a second page forced to WASM) and Node's. A model
 * whose forward pass WebGPU gets wrong (onnxruntime-web 1.30's WebGPU Conv fails GoogLeNet's
 * 3 x 3 layer of 6 input channels) is caught by the check on opening and runs on WebAssembly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModelPath } from '../../src/cli/demo-command.js';
import { tankScene } from '../../src/demo/scenes/index.js';
import { forward, gradCam, loadModel, saliency, type ConvlensModel } from '../../src/node/index.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { download, fixturesDir, maxAbsDiff, openApp, pastePicture, readNpy, screenshot, settled, type AppPage } from './app-page.js';

/** Opens the first bright-sky tank scene on a page with the tank model open and returns the picture's seed. */
async function openScene(app: AppPage): Promise<number> {
  const { page } = app;
  await page.click('button.scene[data-scene="tank-bright"]');
  await page.waitForSelector('#predictions .prediction');
  await settled(page);
  return Number(/seed (\d+)/.exec((await page.textContent('#picture .hint'))!)![1]);
}

/** Runs `method` alone on the open picture and returns its raw map. */
async function mapOnPage(app: AppPage, method: string): Promise<FloatTensor> {
  const { page } = app;
  for (const box of await page.$$('.method input.use')) if (await box.isChecked()) await box.uncheck();
  await page.check(`#use-${method}`);
  await page.click('#run-explain');
  await page.waitForSelector(`#explain-results .card[data-method="${method}"]`, { timeout: 120_000 });
  await settled(page);
  return readNpy(await download(page, `.card[data-method="${method}"] button:text("raw .npy")`));
}

/** Largest |WebGPU - WASM| and |WebGPU - Node| of one method's raw map, checked against 1e-5 of the map's largest value. */
function expectSameMaps(what: string, gpu: FloatTensor, wasm: FloatTensor, node: FloatTensor): void {
  const scale = node.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  expect(scale).toBeGreaterThan(0.001);
  expect(gpu.shape).toEqual(node.shape.slice(1));
  const [gpuWasm, gpuNode] = [maxAbsDiff(gpu.data, wasm.data), maxAbsDiff(gpu.data, node.data)];
  console.log(`${what} raw map, largest value ${scale.toPrecision(4)}: WebGPU - WASM ${gpuWasm.toExponential(2)}, WebGPU - Node ${gpuNode.toExponential(2)}`);
  expect(gpuWasm).toBeLessThanOrEqual(1e-5 * scale);
  expect(gpuNode).toBeLessThanOrEqual(1e-5 * scale);
}

describe('the app on software WebGPU', () => {
  let gpu: AppPage;
  let wasm: AppPage;
  beforeAll(async () => {
    gpu = await openApp('?model=models/tank-fixed.onnx', undefined, undefined, { webgpu: true });
    wasm = await openApp('?model=models/tank-fixed.onnx&backend=wasm', undefined, undefined, { webgpu: true });
  });
  afterAll(async () => {
    await gpu?.close();
    await wasm?.close();
  });

  it('the probe picks WebGPU where the browser gives an adapter, and WASM when asked', async () => {
    expect(await gpu.page.evaluate(async () => {
      const adapter = await (navigator as unknown as { gpu: { requestAdapter(): Promise<{ info?: { description?: string; vendor?: string } } | null> } }).gpu.requestAdapter();
      return adapter ? 'adapter' : 'none';
    })).toBe('adapter');
    expect(await gpu.page.textContent('#backend')).toBe('WEBGPU');
    expect(await wasm.page.textContent('#backend')).toMatch(/^WASM/);
    // Each backend loads its own onnxruntime-web build: WebGPU its WebGPU one, WASM the plain (faster on the CPU) one.
    const builds = (requests: string[]) => requests.map((u) => /\/ort\/([^/?]+\.wasm)$/.exec(u)?.[1]).filter(Boolean);
    expect(builds(gpu.requests)).toEqual(['ort-wasm-simd-threaded.asyncify.wasm']);
    expect(builds(wasm.requests)).toEqual(['ort-wasm-simd-threaded.wasm']);
  });

  it('Grad-CAM, saliency and guided backprop through WebGPU equal the WASM maps and Node\'s within 1e-5 of the map\'s largest value', async () => {
    const [seed, wasmSeed] = [await openScene(gpu), await openScene(wasm)];
    expect(seed).toBe(wasmSeed);
    let model: ConvlensModel | undefined;
    try {
      model = await loadModel(demoModelPath('tank-fixed.onnx'), { threads: 1 });
      const x = await model.preprocess([tankScene(seed, { tank: true, sky: 'bright', size: 64 }).image]);
      const node = {
        gradcam: (await gradCam(model, x)).raw,
        saliency: (await saliency(model, x)).raw,
        guided: (await saliency(model, x, { rule: 'guided' })).raw,
      };
      for (const method of ['gradcam', 'saliency', 'guided'] as const) {
        const onGpu = await mapOnPage(gpu, method);
        if (method === 'guided') await screenshot(gpu.page, 'explain-webgpu-1280');
        expectSameMaps(method, onGpu, await mapOnPage(wasm, method), node[method]);
      }
    } finally {
      await model?.dispose();
    }
    expect(gpu.problems).toEqual([]);
    expect(wasm.problems).toEqual([]);
  }, 300_000);

  it('a model WebGPU computes wrongly is caught when it opens and runs on WebAssembly, with the predictions Node gives', async () => {
    expect(await gpu.page.isHidden('#model-notice')).toBe(true);
    const app = await openApp('?model=fixtures/models/googlenet.legacy.onnx', undefined, undefined, { webgpu: true });
    let model: ConvlensModel | undefined;
    try {
      const { page } = app;
      await page.waitForSelector('#model-notice:not([hidden])');
      expect(await page.textContent('#backend')).toBe('WEBGPU');
      expect(await page.textContent('#model-notice')).toMatch(/differs from the CPU kernels.*runs this model on WebAssembly/);
      const scene = tankScene(5, { tank: true, sky: 'bright', size: 64 });
      await pastePicture(page, scene.image, 'scene.png');
      await screenshot(page, 'webgpu-model-notice-1280');
      const shown = await page.$$eval('#predictions .prediction', (rows) => rows.map((r) => Number((r as HTMLElement).dataset.index)));
      model = await loadModel(`${fixturesDir}models/googlenet.legacy.onnx`, { threads: 1 });
      const scores = (await forward(model, await model.preprocess([scene.image]), [model.outputName]))[model.outputName].data;
      expect(shown).toEqual(Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]).slice(0, 5));
      expect(app.problems).toEqual([]);
    } finally {
      await model?.dispose();
      await app.close();
    }
  }, 300_000);
});
