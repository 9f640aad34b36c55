/**
 * The web app used with the keyboard alone, and as a static build served by a plain file
 * server with the two isolation headers; the `app` command's refusals.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { buildStaticApp } from '../../src/cli/app-command.js';
import { crossOriginIsolation, startStaticServer } from '../../tools/browser/static-server.js';
import { openPage } from '../browser/chromium.js';
import { runCli, tempDir } from '../cli/cli-harness.js';
import { builtApp, openApp, screenshot, settled } from './app-page.js';

/** Presses Tab until `selector` has the focus (at most 120 times), then Enter. */
async function tabToAndPress(page: Page, selector: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) {
      await page.keyboard.press('Enter');
      return;
    }
    await page.keyboard.press('Tab');
  }
  throw new Error(`Tab never reached ${selector}`);
}

describe('the web app', () => {
  it('keyboard only: open a demo model, pick a picture, explain a class, switch tabs', async () => {
    const app = await openApp();
    const { page } = app;
    try {
      await tabToAndPress(page, 'button.demo-model[data-file="shapes.onnx"]');
      await page.waitForFunction(() => document.getElementById('model-name')!.textContent!.startsWith('shapes.onnx'));
      await tabToAndPress(page, 'button.scene[data-scene="shape"]');
      await page.waitForSelector('#predictions .prediction');
      await settled(page);
      // The second prediction: explaining a class other than the top one.
      await tabToAndPress(page, '#predictions li:nth-child(2) .prediction');
      await page.waitForFunction(() => document.querySelectorAll('#explain-results .card').length === 3, undefined, { timeout: 60_000 });
      await settled(page);
      const chosen = await page.getAttribute('#predictions li:nth-child(2) .prediction', 'data-index');
      expect(await page.textContent('#target-line')).toContain(`(class ${chosen})`);
      expect(await page.$$eval('#explain-results .card', (cards) => cards.map((c) => (c as HTMLElement).dataset.method))).toEqual(['gradcam', 'saliency', 'guided']);
      // Arrow keys move between tabs.
      await page.focus('#tab-explain');
      await page.keyboard.press('ArrowRight');
      expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-inside');
      expect(await page.isVisible('#panel-inside')).toBe(true);
      expect(app.problems).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('the static build works from a plain static file server with the isolation headers', async () => {
    const dir = join(tempDir('convlens-app-'), 'site');
    await buildStaticApp(dir, await builtApp());
    expect(readFileSync(join(dir, '_headers'), 'utf8')).toMatch(/Cross-Origin-Embedder-Policy: require-corp/i);
    expect(readdirSync(join(dir, 'models')).sort()).toEqual(['obstacle-sensors.onnx', 'shapes.onnx', 'tank-fixed.onnx', 'tank-shortcut.onnx', 'tank-tagged.onnx']);
    const server = await startStaticServer({ '/': dir }, crossOriginIsolation);
    const chrome = await openPage(`${server.url}?model=models/tank-fixed.onnx`, { what: 'the app', test: () => document.body.dataset.ready === 'true' });
    const { page } = chrome;
    try {
      expect(await page.textContent('#model-name')).toMatch(/tank-fixed\.onnx/);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      const cores = await page.evaluate(() => navigator.hardwareConcurrency);
      expect(await page.textContent('#backend')).toBe(`WASM · ${cores} thread${cores === 1 ? '' : 's'}`);
      await page.click('button.scene[data-scene="tank-overcast"]');
      await page.waitForSelector('#picture canvas');
      await page.click('#run-explain');
      await page.waitForFunction(() => document.querySelectorAll('#explain-results .card').length === 3, undefined, { timeout: 60_000 });
      await settled(page);
      await screenshot(page, 'static-build-1280');
      expect(chrome.problems).toEqual([]);
      expect(chrome.requests.filter((url) => !url.startsWith(server.url) && !url.startsWith(`blob:${server.url}`))).toEqual([]);
    } finally {
      await chrome.browser.close();
      await server.close();
    }
  });

  it('`convlens app` refuses a bad port, a non-empty build folder, and --build with --port', async () => {
    const port = await runCli(['app', '--port', 'eighty']);
    expect(port.code).toBe(2);
    expect(port.err).toMatch(/--port must be a number from 0 to 65535; got "eighty"/);
    const dir = tempDir('convlens-app-');
    mkdirSync(join(dir, 'site'));
    writeFileSync(join(dir, 'site', 'keep.txt'), 'mine');
    const full = await runCli(['app', '--build', join(dir, 'site')]);
    expect(full.code).toBe(1);
    expect(full.err).toMatch(/is not empty; give a new or empty folder to --build.*\[OUTPUT_UNWRITABLE\]/);
    expect(readdirSync(join(dir, 'site'))).toEqual(['keep.txt']);
    expect(readdirSync(dir)).toEqual(['site']);
    const both = await runCli(['app', '--build', join(dir, 'other'), '--port', '8080']);
    expect(both.code).toBe(2);
    expect(existsSync(join(dir, 'other'))).toBe(false);
  });
});
