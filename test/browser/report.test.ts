/**
 * A report from `convlens report` opened from disk in headless Chromium: it must render
 * completely with no network at all, which is what "self-contained" promises.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureModel, runCli, tempDir, testPng } from '../cli/cli-harness.js';
import { openPage } from './chromium.js';

describe('a generated report in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let reportUrl: string;
  let requests: string[] = [];
  let problems: string[] = [];

  beforeAll(async () => {
    const dir = tempDir('convlens-report-browser-');
    writeFileSync(join(dir, 'scene.png'), testPng(80, 60));
    writeFileSync(join(dir, 'square.png'), testPng(64, 64));
    const file = join(dir, 'report.html');
    const r = await runCli(['report', join(dir, 'scene.png'), join(dir, 'square.png'), '--model', fixtureModel('resnet_basic.legacy-dynbatch'),
      '--model', fixtureModel('alexnet.legacy'), '--method', 'gradcam,cam,guided,occlusion', '--preprocess', 'unit', '--synthesis-steps', '0', '--out', file]);
    expect(r.code, r.err).toBe(0);
    reportUrl = pathToFileURL(file).href;

    ({ browser, page, problems, requests } = await openPage(reportUrl));
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('loads with no failed request, no console error, and no request but the file itself and data: URLs', async () => {
    expect(problems).toEqual([]);
    expect(requests[0]).toBe(reportUrl);
    expect(requests.filter((u) => u !== reportUrl && !u.startsWith('data:'))).toEqual([]);
    // The page's own record of what it fetched agrees (data: pictures never reach the network layer).
    const fetched = await page.evaluate(() => performance.getEntriesByType('resource').map((e) => e.name));
    expect(fetched.filter((u) => !u.startsWith('data:'))).toEqual([]);
  });

  it('shows every section, with every picture decoded', async () => {
    const ids = await page.locator('section').evaluateAll((sections) => sections.map((s) => s.id));
    expect(ids).toEqual([
      'overview',
      ...['resnet-basic-legacy-dynbatch', 'alexnet-legacy'].flatMap((m) => [`model-${m}`, ...['gradcam', 'cam', 'guided', 'occlusion'].map((x) => `model-${m}--${x}`)]),
      'compare', 'compare-gradcam', 'compare-cam', 'compare-guided', 'compare-occlusion',
      'evaluation', 'evaluation-resnet-basic-legacy-dynbatch', 'evaluation-alexnet-legacy',
    ]);
    for (const id of ids) {
      const box = await page.locator(`#${id}`).boundingBox();
      expect(box, id).not.toBeNull();
      expect(box!.height, id).toBeGreaterThan(20);
      await expect(page.locator(`#${id} > h2, #${id} > h3`).isVisible(), id).resolves.toBe(true);
    }
    const images = await page.locator('img').evaluateAll((imgs) => imgs.map((i) => {
      const img = i as HTMLImageElement;
      return { complete: img.complete, natural: [img.naturalWidth, img.naturalHeight], shown: [img.width, img.height] };
    }));
    // Inputs (2 per model), 4 methods x 2 images per model less the skipped CAM on AlexNet, and the comparisons;
    // a colour scale under each method's pictures (4 + 3 per model, 4 comparisons); the evaluation's deletion,
    // insertion and randomization charts per model.
    expect(images).toHaveLength(2 * 2 + (8 + 6) + (4 + 2 + 4 + 4) + (4 + 3 + 4) + 2 * 3);
    for (const [i, img] of images.entries()) {
      expect(img.complete, `img ${i}`).toBe(true);
      expect(img.natural[0], `img ${i}`).toBeGreaterThan(0);
      expect(img.natural[1], `img ${i}`).toBeGreaterThan(0);
      expect(img.shown[0], `img ${i}`).toBeGreaterThanOrEqual(img.natural[0]);
    }
  });

  it('links the table of contents to every section', async () => {
    const links = await page.locator('nav.contents a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    const ids = await page.locator('section').evaluateAll((sections) => sections.map((s) => `#${s.id}`));
    expect(links).toEqual(ids);
    await page.locator('nav.contents a[href="#compare-cam"]').click();
    expect(await page.evaluate(() => location.hash)).toBe('#compare-cam');
    const top = await page.locator('#compare-cam').evaluate((el) => el.getBoundingClientRect().top);
    expect(Math.abs(top)).toBeLessThan(2);
  });
});
