/**
 * The web app for tests: built once per test process into a temporary folder (test files
 * run in parallel processes, so each has its own), served by the app's own server with
 * the demo models and test fixtures, and opened in headless Chromium with every console
 * problem, failed request and request URL recorded.
 */
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import type { RgbImage } from '../../src/image/types.js';
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

/** Serves the built app (or `dir`, e.g. a static build) and opens it once the page says it is ready. */
export async function openApp(query = '', dir?: string, viewport = { width: 1280, height: 800 }): Promise<AppPage> {
  const root = dir ?? await builtApp();
  const server = await startAppServer(dir ? { '/': root, '/fixtures/': fixturesDir } : { '/': root, '/models/': demoModelsDir, '/fixtures/': fixturesDir });
  try {
    const chrome = await openPage(`${server.url}${query}`, { what: 'the app', test: () => document.body.dataset.ready === 'true' });
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
