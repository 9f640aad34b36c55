/**
 * The app's live and interruptible work: a synthesis shows its picture while it runs (the
 * last one shown is the result; a stopped run keeps the picture of its last step shown), a
 * pasted picture is used as a picked one (predictions as in Node), and the tank study stops
 * when cancelled.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModelPath } from '../../src/cli/demo-command.js';
import { tankScene } from '../../src/demo/scenes/index.js';
import { forward, loadModel, visualize, type ConvlensModel } from '../../src/node/index.js';
import { canvasPixels, maxAbsDiff, openApp, pastePicture, screenshot, settled, type AppPage } from './app-page.js';

/** Records, in the page, the pixels of every live synthesis picture as it appears. */
async function recordLivePictures(page: Page): Promise<void> {
  await page.evaluate(() => {
    const seen: { step: number; rgb: number[] }[] = [];
    (window as unknown as { livePictures: typeof seen }).livePictures = seen;
    // Read through one canvas made for many readbacks, so the page's own canvases are read at most once.
    const copy = document.createElement('canvas').getContext('2d', { willReadFrequently: true })!;
    new MutationObserver(() => {
      const figure = document.querySelector<HTMLElement>('#synthesis-live, #synthesis-result');
      const canvas = figure?.querySelector<HTMLCanvasElement>('.figure canvas');
      const step = Number(figure?.dataset.step);
      if (!canvas || !step || seen.at(-1)?.step === step) return;
      [copy.canvas.width, copy.canvas.height] = [canvas.width, canvas.height];
      copy.drawImage(canvas, 0, 0);
      const rgba = copy.getImageData(0, 0, canvas.width, canvas.height).data;
      seen.push({ step, rgb: Array.from(rgba).filter((_, i) => i % 4 !== 3) });
    }).observe(document.getElementById('synthesis-out')!, { childList: true, subtree: true });
  });
}

/** Mean absolute difference in 8-bit levels, reported with what it compares. */
function meanLevelDiff(a: ArrayLike<number>, b: ArrayLike<number>, what: string): number {
  expect(a.length).toBe(b.length);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  console.log(`${what}: mean difference ${(sum / a.length).toFixed(3)} levels`);
  return sum / a.length;
}

const livePictures = (page: Page) => page.evaluate(() => (window as unknown as { livePictures: { step: number; rgb: number[] }[] }).livePictures);

describe('the web app: live synthesis, paste, cancelling the tank study', () => {
  let app: AppPage;
  let model: ConvlensModel;
  beforeAll(async () => {
    app = await openApp('?model=models/tank-fixed.onnx');
    model = await loadModel(demoModelPath('tank-fixed.onnx'), { threads: 1 });
  });
  afterAll(async () => {
    await app?.close();
    await model?.dispose();
  });

  it('paste: a PNG pasted from the clipboard becomes the picture, with the predictions Node gives', async () => {
    const { page } = app;
    const scene = tankScene(77, { tank: true, sky: 'overcast', size: 64 });
    await pastePicture(page, scene.image, 'clipboard.png');
    // The picture shown is the pasted one, pixel for pixel.
    expect(Buffer.from((await canvasPixels(page, '#picture canvas')).data).equals(Buffer.from(scene.image.data))).toBe(true);
    const web = await page.$$eval('#predictions .prediction', (buttons) => buttons.map((b) => ({
      index: Number((b as HTMLElement).dataset.index), score: b.querySelector('.score')!.textContent,
    })));
    const scores = (await forward(model, await model.preprocess([scene.image]), [model.outputName]))[model.outputName].data;
    const probs = Array.from(scores, (s) => Math.exp(s - Math.max(...scores)));
    const sum = probs.reduce((a, b) => a + b, 0);
    const order = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]);
    expect(web).toEqual(order.slice(0, 5).map((index) => ({ index, score: `${(100 * probs[index] / sum).toFixed(1)} %` })));
    expect(app.problems).toEqual([]);
  });

  it('synthesis shows its picture while it runs; the last one shown is the result, near Node\'s', async () => {
    const { page } = app;
    await page.click('#tab-synthesis');
    await recordLivePictures(page);
    await page.fill('#objective', 'class:1');
    await page.fill('#synth-steps', '48');
    await page.click('#run-synthesis');
    await page.waitForSelector('#synthesis-out .frames', { timeout: 120_000 });
    await settled(page);
    const live = await livePictures(page);
    // Up to 128 steps show a picture at every step.
    expect(live.map((p) => p.step)).toEqual(Array.from({ length: 48 }, (_, k) => k + 1));
    const result = await canvasPixels(page, '#synthesis-out .frames figure:last-child canvas');
    expect(maxAbsDiff(live.at(-1)!.rgb, result.data)).toBe(0);
    const node = await visualize(model, 'class:1', { steps: 48, seed: 0 });
    // Adam amplifies float differences between the backends at the network's kinks; the run stays close.
    expect(meanLevelDiff(live.at(-1)!.rgb, node.images[0].data, 'live synthesis against Node after 48 steps')).toBeLessThan(1);
    await screenshot(page, 'synthesis-live-1280');
    expect(app.problems).toEqual([]);
  });

  it('stopping a synthesis keeps the picture of its last step shown, which a run of that many steps reaches', async () => {
    const { page } = app;
    await page.click('#tab-synthesis');
    await recordLivePictures(page);
    await page.fill('#synth-steps', '2048');
    await page.click('#run-synthesis');
    await page.waitForFunction(() => Number(document.getElementById('synthesis-live')?.dataset.step) >= 32, undefined, { timeout: 120_000 });
    await screenshot(page, 'synthesis-running-1280');
    await page.click('#cancel');
    await page.waitForFunction(() => document.getElementById('status-text')!.textContent === 'Cancelled.');
    expect(await page.isHidden('#error')).toBe(true);
    const step = Number(await page.getAttribute('#synthesis-live', 'data-step'));
    expect(step % 16).toBe(0);
    expect(step).toBeLessThan(2048);
    expect(await page.getAttribute('#synthesis-live', 'data-stopped')).toBe('true');
    expect(await page.textContent('#synthesis-live figcaption')).toContain(`stopped at step ${step} of 2048`);
    const shown = await canvasPixels(page, '#synthesis-live canvas');
    const live = await livePictures(page);
    expect(live.at(-1)!.step).toBe(step);
    expect(maxAbsDiff(live.at(-1)!.rgb, shown.data)).toBe(0);
    await screenshot(page, 'synthesis-stopped-1280');
    // A run of exactly that many steps on the same page reaches the same picture, bit for bit.
    await page.fill('#synth-steps', String(step));
    await page.click('#run-synthesis');
    await page.waitForSelector('#synthesis-out .frames', { timeout: 120_000 });
    await settled(page);
    expect(maxAbsDiff((await canvasPixels(page, '#synthesis-out .frames figure:last-child canvas')).data, shown.data)).toBe(0);
    expect(app.problems).toEqual([]);
  });

  it('Cancel stops the tank study before its last step, and the study runs again afterwards', async () => {
    const { page } = app;
    await page.click('#tab-compare');
    await page.click('button.demo-model[data-file="tank-shortcut.onnx"]');
    await settled(page);
    await page.click('button.demo-model-b[data-file="tank-fixed.onnx"]');
    await settled(page);
    // The highest step the status line shows while the study runs.
    await page.evaluate(() => {
      const w = window as unknown as { studySteps: number[] };
      w.studySteps = [];
      new MutationObserver(() => {
        const m = /tank study: (\d+) \/ (\d+)/.exec(document.getElementById('status-text')!.textContent!);
        if (m) w.studySteps.push(Number(m[1]), Number(m[2]));
      }).observe(document.getElementById('status-text')!, { childList: true, characterData: true, subtree: true });
    });
    await page.click('#run-study');
    await page.waitForFunction(() => /tank study: [1-9]\d* \//.test(document.getElementById('status-text')!.textContent!));
    await page.click('#cancel');
    await page.waitForFunction(() => document.getElementById('status-text')!.textContent === 'Cancelled.', undefined, { timeout: 120_000 });
    const steps = await page.evaluate(() => (window as unknown as { studySteps: number[] }).studySteps);
    const total = steps[1];
    const highest = Math.max(...steps.filter((_, i) => i % 2 === 0));
    expect(total).toBe(14);
    expect(highest).toBeLessThan(total);
    expect(await page.$('#tank-study')).toBeNull();
    await page.click('#run-study');
    await page.waitForSelector('#tank-study', { timeout: 120_000 });
    expect(app.problems).toEqual([]);
  });
});
