/**
 * WebGPU in the app, on Chromium's software WebGPU (SwiftShader's Vulkan on the CPU), so it
 * runs on machines without a GPU: the backend probe picks WebGPU, and a Grad-CAM map computed
 * through onnxruntime-web's WebGPU execution provider equals the one its WASM backend gives
 * (on a second page forced to WASM) and Node's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModelPath } from '../../src/cli/demo-command.js';
import { tankScene } from '../../src/demo/scenes/index.js';
import { gradCam, loadModel } from '../../src/node/index.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { download, maxAbsDiff, openApp, readNpy, screenshot, settled, type AppPage } from './app-page.js';

/** Opens the tank model and the first bright-sky tank scene, runs Grad-CAM, returns the raw map and the picture's seed. */
async function gradCamOnPage(app: AppPage): Promise<{ raw: FloatTensor; seed: number }> {
  const { page } = app;
  await page.click('button.scene[data-scene="tank-bright"]');
  await page.waitForSelector('#predictions .prediction');
  await settled(page);
  const seed = Number(/seed (\d+)/.exec((await page.textContent('#picture .hint'))!)![1]);
  for (const box of await page.$$('.method input.use')) if (await box.isChecked()) await box.uncheck();
  await page.check('#use-gradcam');
  await page.click('#run-explain');
  await page.waitForSelector('#explain-results .card[data-method="gradcam"]', { timeout: 120_000 });
  await settled(page);
  return { raw: readNpy(await download(page, '.card[data-method="gradcam"] button:text("raw .npy")')), seed };
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
    // Each backend loads its own onnxruntime-web build: WebGPU the JSEP one, WASM the plain (faster on the CPU) one.
    const builds = (requests: string[]) => requests.map((u) => /\/ort\/([^/?]+\.wasm)$/.exec(u)?.[1]).filter(Boolean);
    expect(builds(gpu.requests)).toEqual(['ort-wasm-simd-threaded.jsep.wasm']);
    expect(builds(wasm.requests)).toEqual(['ort-wasm-simd-threaded.wasm']);
  });

  it('Grad-CAM through WebGPU equals the WASM map and Node\'s within 1e-5 of the map\'s largest value', async () => {
    const [onGpu, onWasm] = [await gradCamOnPage(gpu), await gradCamOnPage(wasm)];
    expect(onGpu.seed).toBe(onWasm.seed);
    await screenshot(gpu.page, 'explain-webgpu-1280');
    const model = await loadModel(demoModelPath('tank-fixed.onnx'), { threads: 1 });
    try {
      const x = await model.preprocess([tankScene(onGpu.seed, { tank: true, sky: 'bright', size: 64 }).image]);
      const node = (await gradCam(model, x)).raw;
      const scale = node.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
      expect(scale).toBeGreaterThan(0.01);
      expect(onGpu.raw.shape).toEqual(node.shape.slice(1));
      const [gpuWasm, gpuNode] = [maxAbsDiff(onGpu.raw.data, onWasm.raw.data), maxAbsDiff(onGpu.raw.data, node.data)];
      console.log(`Grad-CAM raw map, largest value ${scale.toPrecision(4)}: WebGPU - WASM ${gpuWasm.toExponential(2)}, WebGPU - Node ${gpuNode.toExponential(2)}`);
      expect(gpuWasm).toBeLessThanOrEqual(1e-5 * scale);
      expect(gpuNode).toBeLessThanOrEqual(1e-5 * scale);
    } finally {
      await model.dispose();
    }
    expect(gpu.problems).toEqual([]);
    expect(wasm.problems).toEqual([]);
  });
});
