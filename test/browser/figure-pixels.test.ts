/**
 * Screenshots in headless Chromium of a report section and of a comparison figure: the
 * pixels on screen must hold a title (a line of dark text) and a colour bar (a run of
 * pixels stepping through the colour map from its low end to its high end).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colormapTable } from '../../src/image/colormap.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';
import { decodeImageBytes } from '../../src/node/codecs.js';
import { fixtureModel, runCli, tempDir, testPng } from '../cli/cli-harness.js';
import { openPage } from './chromium.js';

const viridis = colormapTable('viridis');

/** Index (0..256) of the viridis entry nearest to a pixel, or -1 when none is within `tolerance`. */
function viridisIndex(img: RgbImage, x: number, y: number, tolerance = 24): number {
  const o = (y * img.width + x) * 3;
  let best = -1;
  let bestD = tolerance * tolerance;
  for (let i = 0; i < viridis.length / 3; i++) {
    const d = (img.data[o] - viridis[3 * i]) ** 2 + (img.data[o + 1] - viridis[3 * i + 1]) ** 2 + (img.data[o + 2] - viridis[3 * i + 2]) ** 2;
    if (d < bestD) { bestD = d; best = i; }
  }
  return best;
}

/**
 * Whether some line (a row, or a column read bottom to top) holds a run of at least
 * `length` pixels that goes through viridis from its low end (< 24 of 256) to its high end
 * (> 232) without stepping back by more than a little.
 */
function hasColourBar(img: RgbImage, direction: 'row' | 'column', length: number): boolean {
  const lines = direction === 'row' ? img.height : img.width;
  const span = direction === 'row' ? img.width : img.height;
  for (let l = 0; l < lines; l++) {
    let start = -1;
    let low = Infinity;
    let last = -1;
    for (let k = 0; k <= span; k++) {
      const index = k === span ? -1 : direction === 'row' ? viridisIndex(img, k, l) : viridisIndex(img, l, span - 1 - k);
      if (index >= 0 && (start < 0 || index >= last - 8)) {
        if (start < 0) { start = k; low = index; }
        last = index;
        continue;
      }
      if (start >= 0 && k - start >= length && low < 24 && last > 232) return true;
      start = index >= 0 ? k : -1;
      low = index;
      last = index;
    }
  }
  return false;
}

/** Rows of the top `band` pixels that hold dark text spread over at least `width` pixels. */
function textRows(img: RgbImage, band: number, width: number): number {
  let rows = 0;
  for (let y = 0; y < Math.min(band, img.height); y++) {
    let left = Infinity;
    let right = -1;
    for (let x = 0; x < img.width; x++) {
      const o = (y * img.width + x) * 3;
      if (img.data[o] < 90 && img.data[o + 1] < 90 && img.data[o + 2] < 90) { left = Math.min(left, x); right = x; }
    }
    if (right - left >= width) rows++;
  }
  return rows;
}

describe('figures on screen in Chromium', () => {
  let browser: Browser;
  let page: Page;
  let dir: string;

  beforeAll(async () => {
    dir = tempDir('convlens-figure-pixels-');
    writeFileSync(join(dir, 'scene.png'), testPng(64, 64));
    const model = fixtureModel('resnet_basic.legacy-dynbatch');
    const report = await runCli(['report', join(dir, 'scene.png'), '--model', model, '--method', 'gradcam', '--preprocess', 'unit', '--out', join(dir, 'report.html')]);
    expect(report.code, report.err).toBe(0);
    const figure = await runCli(['compare', join(dir, 'scene.png'), '--model', model, '--targets', '1,2', '--preprocess', 'unit', '--out', join(dir, 'classes.png')]);
    expect(figure.code, figure.err).toBe(0);
    const png = readFileSync(join(dir, 'classes.png')).toString('base64');
    writeFileSync(join(dir, 'figure.html'), `<!doctype html><body style="margin:0;background:#fff"><img id="figure" src="data:image/png;base64,${png}"></body>`);
    ({ browser, page } = await openPage(pathToFileURL(join(dir, 'report.html')).href));
  });

  afterAll(async () => {
    await browser?.close();
  });

  it('a report section shows its title and a colour bar under its pictures', async () => {
    const shot = await decodeImageBytes(await page.locator('[id$="--gradcam"]').first().screenshot(), 'report screenshot');
    expect(textRows(shot, 60, 120)).toBeGreaterThan(4);
    expect(hasColourBar(shot, 'row', 150)).toBe(true);
    // The pictures themselves are not a colour bar: a section without the legend would fail.
    const pictures = await decodeImageBytes(await page.locator('[id$="--gradcam"] table, [id$="--gradcam"] .grid').first().screenshot(), 'grid screenshot');
    expect(hasColourBar(pictures, 'row', 150)).toBe(false);
  });

  it('a comparison figure shows its title and a vertical colour bar', async () => {
    await page.goto(pathToFileURL(join(dir, 'figure.html')).href);
    const shot = await decodeImageBytes(await page.locator('#figure').screenshot(), 'figure screenshot');
    expect(textRows(shot, 24, 120)).toBeGreaterThan(4);
    expect(hasColourBar(shot, 'column', 120)).toBe(true);
  });
});
