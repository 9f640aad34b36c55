/** The demo page opened from disk in headless Chromium: complete, offline, every section shown. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoModels } from '../../src/cli/demo-command.js';
import { demoReport, demoSections } from '../../src/demo/studies/demo-report.js';
import { tempDir } from '../cli/cli-harness.js';
import { openPage, type TestPage } from './chromium.js';

describe('the demo report in Chromium', () => {
  let chrome: TestPage;
  let url: string;

  beforeAll(async () => {
    const { models, dispose } = await loadDemoModels();
    try {
      const file = join(tempDir('convlens-demo-browser-'), 'demo.html');
      writeFileSync(file, (await demoReport(models)).html);
      url = pathToFileURL(file).href;
    } finally {
      await dispose();
    }
    chrome = await openPage(url);
  }, 360_000);
  afterAll(async () => { await chrome?.browser.close(); });

  it('loads with no failed request, no console error, and nothing fetched but the file', async () => {
    expect(chrome.problems).toEqual([]);
    expect(chrome.requests.filter((u) => u !== url && !u.startsWith('data:'))).toEqual([]);
    const fetched = await chrome.page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    expect(fetched.filter((u) => !u.startsWith('data:'))).toEqual([]);
  });

  it('shows the scenes, the tank story, the obstacle study and the shapes model, every picture decoded', async () => {
    const ids = await chrome.page.locator('section').evaluateAll((sections) => sections.map((s) => s.id));
    expect(ids).toEqual([...demoSections]);
    for (const id of ids) {
      await expect(chrome.page.locator(`#${id} > h2`).isVisible(), id).resolves.toBe(true);
      expect((await chrome.page.locator(`#${id}`).boundingBox())!.height, id).toBeGreaterThan(100);
      const images = await chrome.page.locator(`#${id} img`).evaluateAll((imgs) => imgs.map((i) => (i as HTMLImageElement).naturalWidth));
      expect(images.length, id).toBeGreaterThan(3);
      expect(images.every((w) => w > 0), id).toBe(true);
    }
    const tables = await chrome.page.locator('#tanks table').count();
    expect(tables).toBeGreaterThanOrEqual(2);
  });
});
