/**
 * The app's Evaluation and Synthesis tabs against the same library calls in Node, the
 * Datasets tab on a folder `convlens scan` wrote, and cancelling a long run from the status bar.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModelPath } from '../../src/cli/demo-command.js';
import { evaluate, gradCam, loadModel, visualize, type ConvlensModel } from '../../src/node/index.js';
import { tankScene } from '../../src/demo/scenes/index.js';
import { runCli, tempDir } from '../cli/cli-harness.js';
import { openApp, screenshot, settled, type AppPage } from './app-page.js';

describe('the web app: evaluation, synthesis, cancel', () => {
  let app: AppPage;
  let model: ConvlensModel;
  let seed: number;
  beforeAll(async () => {
    app = await openApp('?model=models/tank-fixed.onnx');
    model = await loadModel(demoModelPath('tank-fixed.onnx'), { threads: 1 });
    await app.page.click('button.scene[data-scene="tank-bright"]');
    await app.page.waitForSelector('#predictions .prediction');
    await settled(app.page);
    seed = Number(/seed (\d+)/.exec((await app.page.textContent('#picture .hint'))!)![1]);
  });
  afterAll(async () => {
    await app?.close();
    await model?.dispose();
  });

  it('evaluation: deletion AUC and the randomization check as in Node, with the sanity flag', async () => {
    const { page } = app;
    await page.click('#tab-evaluation');
    await page.click('#run-evaluation');
    await page.waitForSelector('#evaluation-table', { timeout: 120_000 });
    await settled(page);
    const value = async (name: string) => Number(await page.getAttribute(`#evaluation-table tr[data-name="${name}"] td[data-value]`, 'data-value'));
    const x = await model.preprocess([tankScene(seed, { tank: true, sky: 'bright', size: 64 }).image]);
    const deletion = await evaluate(model, x, (await gradCam(model, x)).map, 'deletion');
    const randomization = await evaluate(model, x, async (m, xs) => (await gradCam(m, xs)).map, 'randomization');
    expect(await value('deletion AUC')).toBeCloseTo(deletion.scores[0].mean, 4);
    expect(await value('MPRT rank correlation')).toBeCloseTo(randomization.scores[0].mean, 3);
    expect(await page.textContent('#sanity-flag')).toMatch(randomization.insensitive ? /Sanity check failed/ : /Sanity check passed/);
    await screenshot(page, 'evaluation-1280');
    expect(app.problems).toEqual([]);
  });

  it('synthesis: the objective after 16 steps as in Node, same seed', async () => {
    const { page } = app;
    await page.click('#tab-synthesis');
    await page.fill('#objective', 'class:1');
    await page.fill('#synth-steps', '16');
    await page.click('#run-synthesis');
    await page.waitForSelector('#synthesis-result', { timeout: 120_000 });
    const web = Number(await page.getAttribute('#synthesis-result', 'data-objective'));
    const node = await visualize(model, 'class:1', { steps: 16, seed: 0, frames: 8 });
    expect(web).toBeCloseTo(node.curve[node.curve.length - 1], 2);
    await screenshot(page, 'synthesis-1280');
    expect(app.problems).toEqual([]);
  });

  it('Cancel stops a long synthesis and the app keeps working', async () => {
    const { page } = app;
    await page.click('#tab-synthesis');
    await page.fill('#objective', 'class:1');
    await page.fill('#synth-steps', '100000');
    await page.click('#run-synthesis');
    await page.waitForFunction(() => /synthesis step: [1-9]\d* \/ 100000/.test(document.getElementById('status-text')!.textContent!));
    await page.click('#cancel');
    await page.waitForFunction(() => document.getElementById('status-text')!.textContent === 'Cancelled.');
    expect(await page.isHidden('#error')).toBe(true);
    await page.click('#tab-explain');
    await page.click('#run-explain');
    await page.waitForFunction(() => document.querySelectorAll('#explain-results .card').length === 3, undefined, { timeout: 60_000 });
    expect(app.problems).toEqual([]);
  });

  it('datasets: a scan folder opens with every unit of the layer and the labels of its top images', async () => {
    const { page } = app;
    const out = join(tempDir('convlens-app-scan-'), 'scan');
    const scan = await runCli(['scan', '--dataset', 'shapes', '--count', '40', '--model', demoModelPath('shapes.onnx'), '--layers', 'features.3', '--top', '4', '--threads', '1', '--out', out]);
    expect(scan.code, scan.err).toBe(0);
    const units = JSON.parse(readFileSync(join(out, 'layers', 'features.3', 'units.json'), 'utf8')).units as { channel: number; top: { label: string }[] }[];
    await page.click('#tab-datasets');
    await page.setInputFiles('#scan-folder', out);
    await page.waitForFunction((n) => document.querySelectorAll('#scan-units .card img').length === n, units.length);
    expect(await page.$$eval('#scan-units .card', (cards) => cards.map((c) => Number((c as HTMLElement).dataset.channel)))).toEqual(units.map((u) => u.channel));
    // The first unit's most common label, counted here from units.json.
    const labels = units[0].top.map((t) => t.label);
    const best = Math.max(...labels.map((l) => labels.filter((m) => m === l).length));
    expect(await page.textContent('#scan-units .card >> nth=0')).toContain(`${(100 * best / labels.length).toFixed(1)} % of its top images`);
    expect(await page.$eval('#scan-units .card img', (img) => (img as HTMLImageElement).naturalWidth > 0)).toBe(true);
    await screenshot(page, 'datasets-1280');
    expect(app.problems).toEqual([]);
  });
});
