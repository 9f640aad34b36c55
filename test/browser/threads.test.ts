/**
 * WASM threads in Chromium: every core on a cross-origin isolated page, one thread and a
 * note saying why on a page without isolation, and the same Grad-CAM numbers either way.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Convlens from '../../src/browser/index.js';
import { bundleBrowserEntry, bundleDir } from '../../tools/browser/bundle.js';
import { crossOriginIsolation, startStaticServer, type StaticServer } from '../../tools/browser/static-server.js';
import { expectClose, loadRefs } from '../methods/refs.js';
import { openTestPage } from './chromium.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const routes = () => ({
  '/': here('page/'),
  '/bundle/': bundleDir,
  '/ort/': fileURLToPath(new URL('../../node_modules/onnxruntime-web/dist/', import.meta.url)),
  '/fixtures/': here('../fixtures/'),
});

interface PageRun { threading: Convlens.BrowserThreading; cores: number; raw: { data: number[]; shape: number[] }; problems: string[] }

async function runIn(server: StaticServer): Promise<PageRun> {
  const chrome = await openTestPage(server.url);
  try {
    const refs = loadRefs('resnet_basic');
    const x = refs.array('input');
    const run = await chrome.page.evaluate(async ({ input, shape, layer, targets }) => {
      const convlens = (window as unknown as { convlens: typeof Convlens }).convlens;
      const model = await convlens.loadModel('/fixtures/models/resnet_basic.legacy.onnx', { preprocess: 'unit', wasmPaths: '/ort/' });
      try {
        const cam = await convlens.gradCam(model, { data: new Float32Array(input), shape }, { layer, target: { perImage: targets } });
        return { threading: convlens.browserThreading(), cores: navigator.hardwareConcurrency, raw: { data: Array.from(cam.raw.data), shape: cam.raw.shape } };
      } finally {
        await model.dispose();
      }
    }, { input: Array.from(x.data), shape: x.shape, layer: refs.json.layer, targets: refs.json.targets });
    // onnxruntime-web warns on the console when it cannot start the threads it was asked for.
    return { ...run, problems: chrome.problems };
  } finally {
    await chrome.browser.close();
  }
}

describe('WASM threads in Chromium', () => {
  let isolated: StaticServer;
  let plain: StaticServer;
  beforeAll(async () => {
    await bundleBrowserEntry();
    isolated = await startStaticServer(routes(), crossOriginIsolation);
    plain = await startStaticServer(routes());
  });
  afterAll(async () => {
    await isolated?.close();
    await plain?.close();
  });

  it('isolated: every core, no note; not isolated: one thread and a note; Grad-CAM as PyTorch in both', async () => {
    const refs = loadRefs('resnet_basic');
    const a = await runIn(isolated);
    expect(a.threading).toEqual({ threads: a.cores, isolated: true, note: null });
    expect(a.problems).toEqual([]);
    const b = await runIn(plain);
    expect(b.threading.threads).toBe(1);
    expect(b.threading.isolated).toBe(false);
    expect(b.threading.note).toMatch(/not cross-origin isolated.*one WASM thread.*Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/s);
    for (const run of [a, b]) expectClose({ data: Float32Array.from(run.raw.data), shape: run.raw.shape }, refs.array('gradcam'), 2e-4, `Grad-CAM (${run.threading.threads} threads)`);
  });
});
