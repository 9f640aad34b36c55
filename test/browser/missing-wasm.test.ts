/**
 * A page that does not serve onnxruntime-web's WebAssembly files gets an error that names
 * the files to serve and the wasmPaths option, instead of onnxruntime's bare fetch failure.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as Convlens from '../../src/browser/index.js';
import { bundleBrowserEntry, bundleDir } from '../../tools/browser/bundle.js';
import { startStaticServer, type StaticServer } from '../../tools/browser/static-server.js';
import { openTestPage, type TestPage } from './chromium.js';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

describe('browser set-up without the WebAssembly files', () => {
  let server: StaticServer;
  let chrome: TestPage;

  beforeAll(async () => {
    await bundleBrowserEntry();
    server = await startStaticServer({ '/': here('page/'), '/bundle/': bundleDir, '/fixtures/': here('../fixtures/') });
    chrome = await openTestPage(server.url);
  });

  afterAll(async () => {
    await chrome?.browser.close();
    await server?.close();
  });

  it('says which onnxruntime-web files to serve and where to point wasmPaths', async () => {
    const message = await chrome.page.evaluate(async () => {
      const convlens = (window as unknown as { convlens: typeof Convlens }).convlens;
      try {
        const model = await convlens.loadModel('/fixtures/models/tiny_cnn.legacy.onnx', { preprocess: 'unit', wasmPaths: '/missing/' });
        await convlens.forward(model, { data: new Float32Array(model.itemShape.reduce((a, b) => a * b, 1)), shape: [1, ...model.itemShape] }, [model.outputName]);
        return 'no error';
      } catch (e) {
        return `${(e as { code?: string }).code}: ${(e as Error).message}`;
      }
    });
    expect(message).toMatch(/^RUNTIME: /);
    expect(message).toContain('ort-wasm-simd-threaded.wasm');
    expect(message).toContain('wasmPaths');
    expect(message).toContain('/missing/');
  });
});
