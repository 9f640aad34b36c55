/**
 * The web app in Chromium (onnxruntime-web WASM in a Web Worker) against Node: the figures
 * and raw maps the page offers for download equal the same calls on onnxruntime-node; a
 * dropped PyTorch fixture lists the layers Node lists, draws the feature maps Node draws and
 * points a unit's receptive field as Node computes it;
 * a model with an unsupported op shows the ConvlensError; the two tank models compare with
 * the demo's in-box shares. Screenshots of each view go to test-output/app/.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModelPath } from '../../src/cli/demo-command.js';
import { featureMapGrids, featureMaps, gradCam, loadImage, loadModel, methodImage, receptiveField, saliency, type ConvlensModel } from '../../src/node/index.js';
import { tankStudy } from '../../src/demo/studies/tank-study.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';
import { tankScene } from '../../src/demo/scenes/index.js';
import { tensorToImages } from '../../src/preprocess/preprocess-images.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { fixtureModel } from '../cli/cli-harness.js';
import { canvasPixels, download, maxAbsDiff, openApp, readNpy, screenshot, settled, type AppPage } from './app-page.js';

const largest = (t: FloatTensor) => t.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/** Drops a file on the page as a person dragging it from the desktop would. */
async function dropFile(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  await page.evaluate(({ name, bytes }) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], name));
    document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
  }, { name, bytes: Array.from(bytes) });
}

describe('the web app against Node', () => {
  let app: AppPage;
  beforeAll(async () => { app = await openApp(); });
  afterAll(async () => { await app?.close(); });

  it('Grad-CAM and guided backprop: the downloaded raw maps equal Node within 1e-4, the PNG figure within one level', async () => {
    const { page } = app;
    await page.click('button.demo-model[data-file="tank-fixed.onnx"]');
    await settled(page);
    await page.click('button.scene[data-scene="tank-bright"]');
    await page.waitForSelector('#predictions .prediction');
    await settled(page);
    const caption = await page.textContent('#picture .hint');
    const seed = Number(/seed (\d+)/.exec(caption!)![1]);
    await page.click('#run-explain');
    await page.waitForFunction(() => document.querySelectorAll('#explain-results .card').length === 3, undefined, { timeout: 60_000 });
    await settled(page);
    // Each figure says how long the worker took; the status bar the last run's milliseconds.
    expect(await page.$$eval('#explain-results .card', (cards) => cards.map((c) => Number((c as HTMLElement).dataset.ms) > 0))).toEqual([true, true, true]);
    expect(await page.textContent('#status-text')).toMatch(/^guided: \d+ ms$/);
    const webCam = readNpy(await download(page, '.card[data-method="gradcam"] button:text("raw .npy")'));
    const webGuided = readNpy(await download(page, '.card[data-method="guided"] button:text("raw .npy")'));
    const png = await download(page, '.card[data-method="gradcam"] button:text("PNG")');
    await screenshot(page, 'explain-1280');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await screenshot(page, 'explain-1920');
    await page.setViewportSize({ width: 1280, height: 800 });

    const model = await loadModel(demoModelPath('tank-fixed.onnx'), { threads: 1 });
    try {
      const x = await model.preprocess([tankScene(seed, { tank: true, sky: 'bright', size: 64 }).image]);
      const cam = await gradCam(model, x);
      const guided = await saliency(model, x, { rule: 'guided' });
      expect(webCam.shape).toEqual(cam.raw.shape.slice(1));
      expect(webGuided.shape).toEqual(guided.raw.shape.slice(1));
      expect(maxAbsDiff(webCam.data, cam.raw.data)).toBeLessThanOrEqual(1e-4);
      expect(maxAbsDiff(webGuided.data, guided.raw.data)).toBeLessThanOrEqual(1e-4);
      // The tolerance means something only for values well above it.
      expect(largest(cam.raw)).toBeGreaterThan(0.01);
      expect(largest(guided.raw)).toBeGreaterThan(0.01);
      const figure = await loadImage(png);
      const expected = methodImage({ ...cam, display: 'heatmap' }, 0, tensorToImages(x, model.preprocessSpec));
      expect([figure.width, figure.height]).toEqual([expected.width, expected.height]);
      expect(maxAbsDiff(figure.data, expected.data)).toBeLessThanOrEqual(1);
    } finally {
      await model.dispose();
    }
    expect(app.problems).toEqual([]);
  });

  it('a dropped PyTorch ResNet lists the layers Node lists and draws the feature maps Node draws', async () => {
    const { page } = app;
    await page.click('button.scene[data-scene="tank-bright"]');
    await page.waitForSelector('#picture canvas');
    await settled(page);
    const bytes = new Uint8Array(readFileSync(fixtureModel('resnet_basic.legacy')));
    await dropFile(page, 'resnet_basic.onnx', bytes);
    await page.waitForFunction(() => document.getElementById('model-name')!.textContent!.startsWith('resnet_basic.onnx'));
    await settled(page);
    await page.click('#tab-inside');
    const listed = await page.$$eval('#layer-list button.layer', (buttons) => buttons.map((b) => ({
      module: b.querySelector('.module')!.textContent, op: b.querySelector('.op')!.textContent, shape: b.querySelector('.shape')!.textContent, tensor: (b as HTMLElement).dataset.tensor,
    })));
    const model: ConvlensModel = await loadModel(bytes, { threads: 1 });
    try {
      expect(listed).toEqual(model.layers.map((l) => ({ module: l.module ?? l.name, op: l.op, shape: l.shape.slice(1).join('×'), tensor: l.tensor })));
      expect(listed.some((l) => l.module?.startsWith('layer2.'))).toBe(true);
      const layer = model.layers.find((l) => l.module === 'layer1.0.conv2')!;
      await page.click(`#layer-list button.layer[data-tensor="${layer.tensor}"]`);
      await page.waitForSelector('#feature-maps canvas');
      await page.waitForSelector('#filters canvas');
      await settled(page);
      const seed = Number(/seed (\d+)/.exec((await page.textContent('#picture .hint'))!)![1]);
      const x = await model.preprocess([tankScene(seed, { tank: true, sky: 'bright', size: 64 }).image]);
      const expected = featureMapGrids(await featureMaps(model, x, layer.tensor), { maxChannels: 64 }).images[0];
      const shown = await canvasPixels(page, '#feature-maps canvas');
      expect([shown.width, shown.height]).toEqual([expected.width, expected.height]);
      // Colours are bytes from float maps; onnxruntime-web and -node may round a value across a byte boundary.
      expect(maxAbsDiff(shown.data, expected.data)).toBeLessThanOrEqual(2);
      expect(await page.textContent('#feature-maps h4')).toContain(`of ${layer.shape[1]} channels`);
      // Pointing at unit (3, 5) of the first tile shows the input box Node computes for it.
      const scale = Math.max(1, Math.ceil(32 / Math.max(layer.shape[2], layer.shape[3])));
      const [gy, gx] = [2 + scale * 3 + scale / 2, 2 + scale * 5 + scale / 2];
      const zoom = await page.$eval('#feature-maps canvas', (c) => c.clientWidth / (c as HTMLCanvasElement).width);
      await page.hover('#feature-maps canvas', { position: { x: gx * zoom, y: gy * zoom } });
      await page.waitForSelector('#receptive-field canvas');
      const box = receptiveField(model, layer.tensor).box(3, 5);
      expect(await page.textContent('#receptive-field p')).toBe(
        `channel 0, unit (3, 5) sees input rows ${box.y0}–${box.y1 - 1}, columns ${box.x0}–${box.x1 - 1}`);
    } finally {
      await model.dispose();
    }
    await screenshot(page, 'inside-1280');
    expect(app.problems).toEqual([]);
  });

  it('a model with an unsupported op shows the ConvlensError with the op and node names', async () => {
    const { page } = app;
    const m = decodeModel(readFileSync(fixtureModel('tiny_cnn.legacy')));
    const nodes = m.graph.nodes.map((n) => (n.opType === 'Relu' ? { ...n, opType: 'FancyRelu', domain: 'com.example' } : n));
    const bytes = encodeModel({ ...m, opsets: [...m.opsets, { domain: 'com.example', version: 1 }], graph: { ...m.graph, nodes } });
    await dropFile(page, 'custom.onnx', bytes);
    await page.waitForSelector('#error:not([hidden])');
    const text = await page.textContent('#error');
    expect(text).toMatch(/ConvlensError UNSUPPORTED_OPS/);
    expect(text).toMatch(/FancyRelu.*\/relu1\/Relu/s);
    await screenshot(page, 'error-1280');
    // The model that was open stays open.
    expect(await page.textContent('#model-name')).toMatch(/^resnet_basic\.onnx/);
  });

  it('compare: both tank models side by side, and the demo study\'s in-box shares', async () => {
    const { page } = app;
    await page.click('button.demo-model[data-file="tank-shortcut.onnx"]');
    await settled(page);
    await page.click('#tab-compare');
    await page.click('button.demo-model-b[data-file="tank-fixed.onnx"]');
    await settled(page);
    await page.click('#run-compare');
    await page.waitForFunction(() => document.querySelectorAll('#compare-out .pair').length === 2, undefined, { timeout: 60_000 });
    for (const method of ['gradcam', 'saliency']) {
      expect(await page.$$eval(`#compare-out .pair[data-method="${method}"] canvas`, (c) => c.length)).toBe(2);
    }
    await page.click('#run-study');
    await page.waitForSelector('#tank-study', { timeout: 120_000 });
    const shares = await page.$$eval('#tank-study td[data-share]', (cells) => cells.map((c) => c.textContent));
    await screenshot(page, 'compare-1280');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await screenshot(page, 'compare-1920');

    const [shortcut, fixed] = await Promise.all(['tank-shortcut.onnx', 'tank-fixed.onnx'].map((f) => loadModel(demoModelPath(f), { threads: 1 })));
    try {
      const study = await tankStudy({ shortcut, fixed });
      const percent = (v: number) => `${(100 * v).toFixed(1)} %`;
      expect(shares).toEqual([study.share.shortcut.gradcam, study.share.shortcut.saliency, study.share.fixed.gradcam, study.share.fixed.saliency].map(percent));
      expect(study.share.fixed.gradcam).toBeGreaterThan(study.share.shortcut.gradcam);
    } finally {
      await Promise.all([shortcut.dispose(), fixed.dispose()]);
    }
    expect(app.problems).toEqual([]);
    expect(app.requests.filter((url) => !url.startsWith(app.server.url) && !url.startsWith(`blob:${app.server.url}`))).toEqual([]);
  });
});
