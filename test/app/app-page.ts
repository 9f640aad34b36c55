/**
 * The web app for tests: built once per test process into a temporary folder (test files
 * run in parallel processes, so each has its own), served by the app's own server with
 * the demo models and test fixtures, and opened in headless Chromium with every console
 * problem, failed request and request URL recorded.
 */
import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { encodePng } from '../../src/image/png.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { demoModelsDir, startAppServer, type AppServer } from '../../src/cli/app-server.js';
import { bundleApp } from '../../tools/app/bundle-app.js';
import { openPage, type TestPage } from '../browser/chromium.js';

export const fixturesDir = fileURLToPath(new URL('../fixtures/', import.meta.url));
/** Screenshots of each view, for a person to look at; gitignored. */
export const screenshotDir = fileURLToPath(new URL('../../test-output/app/', import.meta.url));

let built: Promise<string> | null = null;
/** Bundles the app once per test process. */
export function builtApp(): Promise<string> {
  built ??= bundleApp(`${join(mkdtempSync(join(tmpdir(), 'convlens-app-')), 'app')}/`);
  return built;
}

export interface AppPage extends TestPage {
  server: AppServer;
  close(): Promise<void>;
}

/** Serves the built app (or `dir`, e.g. a static build) and opens it once the page says it is ready; `launch.webgpu` gives Chromium software WebGPU. */
export async function openApp(query = '', dir?: string, viewport = { width: 1280, height: 800 }, launch: { webgpu?: boolean } = {}): Promise<AppPage> {
  const root = dir ?? await builtApp();
  const server = await startAppServer(dir ? { '/': root, '/fixtures/': fixturesDir } : { '/': root, '/models/': demoModelsDir, '/fixtures/': fixturesDir });
  try {
    const chrome = await openPage(`${server.url}${query}`, { what: 'the app', test: () => document.body.dataset.ready === 'true' }, launch);
    await chrome.page.setViewportSize(viewport);
    return { ...chrome, server, close: async () => { await chrome.browser.close(); await server.close(); } };
  } catch (e) {
    await server.close();
    throw e;
  }
}

/** Waits until no request runs (the progress bar is hidden) and returns the status line. */
export async function settled(page: Page): Promise<string> {
  await page.waitForFunction(() => (document.getElementById('progress') as HTMLProgressElement).hidden, undefined, { timeout: 60_000 });
  return (await page.textContent('#status-text')) ?? '';
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(screenshotDir, { recursive: true });
  await page.screenshot({ path: `${screenshotDir}${name}.png`, fullPage: true });
}

/** The pixels of a canvas on the page, as RGB. */
export async function canvasPixels(page: Page, selector: string): Promise<RgbImage> {
  const { width, height, rgba } = await page.$eval(selector, (c) => {
    const canvas = c as HTMLCanvasElement;
    const d = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
    return { width: d.width, height: d.height, rgba: Array.from(d.data) };
  });
  const data = new Uint8ClampedArray(width * height * 3);
  for (let i = 0; i < width * height; i++) data.set(rgba.slice(i * 4, i * 4 + 3), i * 3);
  return { width, height, data };
}

/** A float32 .npy file as a tensor (the page writes little-endian C-order arrays). */
export function readNpy(bytes: Uint8Array): FloatTensor {
  const headerLength = bytes[8] | (bytes[9] << 8);
  const header = new TextDecoder().decode(bytes.subarray(10, 10 + headerLength));
  expect(header).toMatch(/'descr': '<f4'/);
  const shape = /'shape': \(([^)]*)\)/.exec(header)![1].split(',').filter((s) => s.trim()).map(Number);
  const start = 10 + headerLength;
  return { data: new Float32Array(bytes.slice(start).buffer), shape };
}

/** Largest absolute difference between two equally long arrays. */
export const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
};

/** Clicks a download button and returns the bytes of the file the page saved. */
export async function download(page: Page, selector: string): Promise<Uint8Array> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.click(selector)]);
  return new Uint8Array(readFileSync((await file.path())!));
}

/** Pastes `image` as a PNG file named `name` from the clipboard and waits until the page shows it as the picture, with its predictions. */
export async function pastePicture(page: Page, image: RgbImage, name: string): Promise<void> {
  await page.evaluate(({ bytes, name }) => {
    const data = new DataTransfer();
    data.items.add(new File([new Uint8Array(bytes)], name, { type: 'image/png' }));
    document.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }));
  }, { bytes: Array.from(encodePng(image)), name });
  await page.waitForFunction((name) => document.querySelector('#picture .hint')?.textContent?.includes(name) ?? false, name);
  await page.waitForSelector('#predictions .prediction');
  await settled(page);
}
