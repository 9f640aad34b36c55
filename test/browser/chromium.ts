/**
 * Chromium for browser tests: found on the machine (never downloaded), launched headless,
 * with every console error, uncaught exception and failed request of the page recorded so
 * a test can fail on them.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { bundleBrowserEntry, bundleDir } from '../../tools/browser/bundle.js';
import { startStaticServer, type StaticServer } from '../../tools/browser/static-server.js';

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `$CHROMIUM_PATH`, else `chromium` on PATH, else /usr/bin/chromium; throws how to install it when none exists. */
export function findChromium(): string {
  const candidates = [
    ...(process.env.CHROMIUM_PATH ? [process.env.CHROMIUM_PATH] : []),
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean).map((dir) => join(dir, 'chromium')),
    '/usr/bin/chromium',
  ];
  const found = candidates.find(executable);
  if (!found) {
    throw new Error('Chromium was not found (looked at $CHROMIUM_PATH, `chromium` on PATH and /usr/bin/chromium). '
      + 'The browser tests need it: install it with `apt-get update && apt-get install -y chromium` (Debian), '
      + 'or set CHROMIUM_PATH to a Chromium or Chrome executable.');
  }
  return found;
}

export interface TestPage {
  browser: Browser;
  page: Page;
  /** Console errors and warnings, page exceptions, failed requests and HTTP errors so far, one line each. */
  problems: string[];
  /** Every URL the page requested, in order. */
  requests: string[];
}

/**
 * Chromium's WebGPU on its CPU implementation (SwiftShader's Vulkan), for machines without a
 * GPU: `--disable-gpu` stays off and WebGPU is switched on.
 */
export const softwareWebGpuFlags = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader'];

/**
 * Launches headless Chromium and opens `url`, recording requests and what goes wrong in the
 * page; with `ready`, also waits until that predicate holds in the page. `webgpu` launches it
 * with {@link softwareWebGpuFlags} instead of `--disable-gpu`.
 */
export async function openPage(url: string, ready?: { what: string; test: () => boolean }, options: { webgpu?: boolean } = {}): Promise<TestPage> {
  const browser = await chromium.launch({
    executablePath: findChromium(),
    args: ['--headless', '--no-sandbox', ...(options.webgpu ? softwareWebGpuFlags : ['--disable-gpu']), '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('request', (req) => requests.push(req.url()));
  page.on('console', (msg) => { if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`console ${msg.type()}: ${msg.text()}`); });
  page.on('pageerror', (e) => problems.push(`uncaught: ${e.message}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url().slice(0, 120)} (${req.failure()?.errorText})`));
  page.on('response', (res) => { if (res.status() >= 400) problems.push(`HTTP ${res.status()}: ${res.url()}`); });
  try {
    await page.goto(url, { waitUntil: 'load' });
    if (ready) await page.waitForFunction(ready.test, undefined, { timeout: 30_000 });
  } catch (e) {
    await browser.close();
    throw new Error(`The test page did not load${ready ? ` ${ready.what}` : ''}: ${problems.join('; ') || (e as Error).message}`, { cause: e });
  }
  return { browser, page, problems, requests };
}

/** {@link openPage} for a page that loads the convlens browser bundle, once the bundle is ready. */
export function openTestPage(url: string, options: { webgpu?: boolean } = {}): Promise<TestPage> {
  return openPage(url, { what: 'the convlens bundle', test: () => 'convlens' in window }, options);
}

/** A static server holding the test page, the browser bundle and onnxruntime-web's files, plus `routes`, with the page open in Chromium. */
export interface BundlePage extends TestPage {
  server: StaticServer;
  close(): Promise<void>;
}

/**
 * Bundles the browser entry, serves it with the test page and onnxruntime-web's WASM files
 * (and `routes`: URL prefix to folder), and opens the page once the bundle is ready;
 * `options.webgpu` as for {@link openPage}.
 *
 * @example
 * const chrome = await openBundlePage({ '/models/': modelsFolder });
 * try { await chrome.page.evaluate(...); } finally { await chrome.close(); }
 */
export async function openBundlePage(routes: Record<string, string> = {}, options: { webgpu?: boolean } = {}): Promise<BundlePage> {
  await bundleBrowserEntry();
  const server = await startStaticServer({
    '/': fileURLToPath(new URL('page/', import.meta.url)),
    '/bundle/': bundleDir,
    '/ort/': fileURLToPath(new URL('../../node_modules/onnxruntime-web/dist/', import.meta.url)),
    ...routes,
  });
  try {
    const chrome = await openTestPage(server.url, options);
    return { ...chrome, server, close: async () => { await chrome.browser.close(); await server.close(); } };
  } catch (e) {
    await server.close();
    throw e;
  }
}
