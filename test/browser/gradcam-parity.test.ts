/**
 * The browser build against Node: the bundled src/browser entry on onnxruntime-web (WASM,
 * in headless Chromium) and src/node on onnxruntime-node compute the same Grad-CAM and
 * guided-backprop saliency from the same compiled gradient graphs; the browser's PNG
 * decoding through loadImage returns the exact pixels.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Convlens from '../../src/browser/index.js';
import { encodePng } from '../../src/image/png.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { gradCam } from '../../src/methods/grad-cam.js';
import { saliency } from '../../src/methods/saliency.js';
import { loadModel } from '../../src/node/index.js';
import { loadRefs, modelPath } from '../methods/refs.js';
import { openBundlePage, type BundlePage } from './chromium.js';

const TOL = 1e-4;
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Largest absolute difference, after checking shapes agree. */
function maxAbsDiff(actual: { data: ArrayLike<number>; shape: number[] }, expected: FloatTensor, what: string): number {
  expect(actual.shape, `${what} shape`).toEqual(expected.shape);
  let worst = 0;
  for (let i = 0; i < expected.data.length; i++) worst = Math.max(worst, Math.abs(actual.data[i] - expected.data[i]));
  return worst;
}

const largest = (t: FloatTensor) => t.data.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

describe('browser build (Chromium, onnxruntime-web WASM) against Node', () => {
  let chrome: BundlePage;

  beforeAll(async () => {
    chrome = await openBundlePage({ '/fixtures/': here('../fixtures/') });
  });

  afterAll(async () => {
    await chrome?.close();
  });

  it('Grad-CAM and guided saliency equal onnxruntime-node within 1e-4', async () => {
    const refs = loadRefs('resnet_basic');
    const x = refs.array('input');
    const { layer, targets } = refs.json;
    const web = await chrome.page.evaluate(async ({ input, shape, layer, targets }) => {
      const convlens = (window as unknown as { convlens: typeof Convlens }).convlens;
      const model = await convlens.loadModel('/fixtures/models/resnet_basic.legacy.onnx', { preprocess: 'unit', wasmPaths: '/ort/' });
      try {
        const x = { data: new Float32Array(input), shape };
        const target = { perImage: targets };
        const cam = await convlens.gradCam(model, x, { layer, target });
        const sal = await convlens.saliency(model, x, { target, rule: 'guided' });
        // No target: the top class is picked inside the gradient graph.
        const top = await convlens.saliency(model, x);
        const plain = (t: { data: Float32Array; shape: number[] }) => ({ data: Array.from(t.data), shape: t.shape });
        return { raw: plain(cam.raw), map: plain(cam.map), saliency: plain(sal.raw), top: plain(top.raw), topClasses: top.target };
      } finally {
        await model.dispose();
      }
    }, { input: Array.from(x.data), shape: x.shape, layer, targets });

    const model = await loadModel(modelPath(refs.json.exports.legacy.file), { preprocess: 'unit' });
    try {
      const target = { perImage: targets };
      const cam = await gradCam(model, x, { layer, target });
      const sal = await saliency(model, x, { target, rule: 'guided' });
      const top = await saliency(model, x);
      expect(web.topClasses).toEqual(top.target);
      expect(maxAbsDiff(web.top, top.raw, 'top-class saliency')).toBeLessThanOrEqual(TOL);
      const raw = maxAbsDiff(web.raw, cam.raw, 'Grad-CAM raw');
      const map = maxAbsDiff(web.map, cam.map, 'Grad-CAM map');
      const sali = maxAbsDiff(web.saliency, sal.raw, 'guided saliency');
      const report = `max |browser - node|: Grad-CAM raw ${raw} (scale ${largest(cam.raw)}), map ${map}, `
        + `guided saliency ${sali} (scale ${largest(sal.raw)})`;
      expect(raw, report).toBeLessThanOrEqual(TOL);
      expect(map, report).toBeLessThanOrEqual(TOL);
      expect(sali, report).toBeLessThanOrEqual(TOL);
      // An absolute tolerance only means something for values well above it.
      expect(largest(cam.raw), report).toBeGreaterThan(0.01);
      expect(largest(sal.raw), report).toBeGreaterThan(0.01);
    } finally {
      await model.dispose();
    }
    expect(chrome.problems).toEqual([]);
  });

  it('loadImage decodes PNG bytes, Blobs, URLs and ImageData to the exact pixels', async () => {
    const [width, height] = [7, 5];
    const pixels = Uint8ClampedArray.from({ length: width * height * 3 }, (_, i) => (i * 37 + (i % 3) * 101) % 256);
    const compressed = encodePng({ width, height, data: pixels });
    const stored = encodePng({ width, height, data: pixels }, { compress: false });
    const decoded = await chrome.page.evaluate(async ({ compressed, stored, pixels, width, height }) => {
      const convlens = (window as unknown as { convlens: typeof Convlens }).convlens;
      const png = new Uint8Array(compressed);
      const url = URL.createObjectURL(new Blob([png], { type: 'image/png' }));
      const rgba = new Uint8ClampedArray(width * height * 4).map((_, i) => (i % 4 === 3 ? 255 : pixels[(i >> 2) * 3 + (i % 4)]));
      const images = [
        await convlens.loadImage(png),
        await convlens.loadImage(new Uint8Array(stored).buffer),
        await convlens.loadImage(new File([png], 'pattern.png', { type: 'image/png' })),
        await convlens.loadImage(url),
        await convlens.loadImage(new ImageData(rgba, width, height)),
      ];
      URL.revokeObjectURL(url);
      return images.map((img) => ({ width: img.width, height: img.height, data: Array.from(img.data) }));
    }, { compressed: Array.from(compressed), stored: Array.from(stored), pixels: Array.from(pixels), width, height });
    const how = ['Uint8Array', 'ArrayBuffer (stored deflate)', 'File', 'blob: URL', 'ImageData'];
    decoded.forEach((img, i) => expect(img, how[i]).toEqual({ width, height, data: Array.from(pixels) }));
    expect(chrome.problems).toEqual([]);
  });
});
