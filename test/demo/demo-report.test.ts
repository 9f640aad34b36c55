/**
 * The demo's studies on the committed demo models, against brute-force recomputations: one
 * picture at a time, with the share in the box summed here rather than by the library.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoModels } from '../../src/cli/demo-command.js';
import { gradCam } from '../../src/methods/grad-cam.js';
import { forward } from '../../src/methods/passes.js';
import { demoParts, demoReport, demoSections, type DemoModels } from '../../src/demo/studies/demo-report.js';
import { obstacleStudy } from '../../src/demo/studies/obstacle-study.js';
import { tankStudy } from '../../src/demo/studies/tank-study.js';
import { obstacleDataset, tankDataset } from '../../src/demo/scenes/index.js';

let models: DemoModels;
let dispose: () => Promise<void>;
beforeAll(async () => { ({ models, dispose } = await loadDemoModels()); });
afterAll(async () => { await dispose(); });

/** Top class of one picture, run alone. */
async function classOf(model: DemoModels['tankFixed'], image: Parameters<DemoModels['tankFixed']['preprocess']>[0][number]): Promise<number> {
  const out = (await forward(model, await model.preprocess([image]), [model.outputName]))[model.outputName].data;
  return out[1] > out[0] ? 1 : 0;
}

describe('tank study', () => {
  it('accuracy and the share of Grad-CAM in the box equal picture-by-picture recomputations', async () => {
    const testCount = 40;
    const seed = 31;
    const study = await tankStudy({ shortcut: models.tankShortcut, fixed: models.tankFixed }, { testCount, seed, examples: 2 });
    const size = models.tankFixed.itemShape[1];
    const biased = tankDataset({ split: 'biased', count: testCount, seed, size });
    const balanced = tankDataset({ split: 'balanced', count: testCount, seed: seed + 1, size });
    for (const [name, model] of [['shortcut', models.tankShortcut], ['fixed', models.tankFixed]] as const) {
      for (const [split, data] of [['biased', biased], ['balanced', balanced]] as const) {
        let right = 0;
        for (const [i, image] of data.images.entries()) if ((await classOf(model, image)) === data.labels[i]) right++;
        expect(study.accuracy[name][split], `${name} on ${split}`).toBeCloseTo(right / testCount, 10);
      }
      const shares: number[] = [];
      for (const [i, image] of balanced.images.entries()) {
        const box = balanced.boxes[i];
        if (balanced.labels[i] !== 1 || !box) continue;
        const map = (await gradCam(model, await model.preprocess([image]), { target: 1 })).map.data;
        let inside = 0;
        let total = 0;
        map.forEach((v, p) => {
          const [x, y] = [p % size, Math.floor(p / size)];
          total += v;
          if (x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height) inside += v;
        });
        shares.push(total > 0 ? inside / total : 0);
      }
      expect(study.share[name].gradcam, name).toBeCloseTo(shares.reduce((a, b) => a + b, 0) / shares.length, 5);
    }
    expect(study.boxArea).toBeGreaterThan(0);
    expect(study.boxArea).toBeLessThan(0.5);
  });
});

describe('obstacle study', () => {
  it('errors equal a direct computation, and the model beats always predicting the mean', async () => {
    const testCount = 40;
    const seed = 17;
    const study = await obstacleStudy(models.obstacle, { testCount, seed, examples: 2 });
    const size = models.obstacle.itemShape[1];
    const data = obstacleDataset({ count: testCount, seed, size, sensorCount: study.sensorCount });
    const errors: number[] = [];
    for (const [n, image] of data.images.entries()) {
      const p = (await forward(models.obstacle, await models.obstacle.preprocess([image]), [models.obstacle.outputName]))[models.obstacle.outputName].data;
      errors.push(data.sensors[n].reduce((a, t, s) => a + Math.abs(t - p[s]), 0) / data.sensors[n].length);
    }
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(study.error.all).toBeCloseTo(mean(errors), 5);
    expect(study.error.sameColour).toBeCloseTo(mean(errors.filter((_, n) => data.sameColour[n])), 5);
    expect(study.error.all).toBeLessThan(study.error.baseline);
  });
});

describe('the demo report', () => {
  it('holds every section, with the studies\' numbers as printed in the page', async () => {
    const labels: string[] = [];
    const demo = await demoReport(models, { onProgress: (label) => { if (!labels.includes(label)) labels.push(label); } });
    expect(labels).toEqual([...demoParts]);
    for (const id of demoSections) expect(demo.html).toContain(`<section id="${id}"`);
    // Tables print whole numbers as they are and others with one decimal.
    const shown = (v: number) => { const p = Math.round(1000 * v) / 10; return `<td class="num">${Number.isInteger(p) ? p : p.toFixed(1)}</td>`; };
    expect(demo.html).toContain(shown(demo.tank.accuracy.shortcut.balanced));
    expect(demo.html).toContain(shown(demo.tank.share.fixed.gradcam));
    expect(demo.html).not.toMatch(/(src|href)="(https?:)?\/\//);
    // Class visualizations: most are recognized, and each share is printed under its image.
    expect(demo.synthesis.recognized.filter((s) => s >= 0.8).length).toBeGreaterThanOrEqual(9);
    for (const s of demo.synthesis.recognized) expect(demo.html).toContain(`recognized ${Math.round(s * 100)} %`);
  }, 360_000);
});
