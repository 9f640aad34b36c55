/**
 * The demo's evaluation of every method on the two tank models: the energy in the tank's box
 * and the pointing game against a recomputation here from each method's own map, and the list
 * of methods that separate the models against the table it comes from.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDemoModels } from '../../src/cli/demo-command.js';
import { findMethod } from '../../src/methods/registry.js';
import type { DemoModels } from '../../src/demo/studies/demo-report.js';
import { tankEvaluation } from '../../src/demo/studies/tank-evaluation.js';
import { tankDataset } from '../../src/demo/scenes/index.js';

let models: DemoModels;
let dispose: () => Promise<void>;
beforeAll(async () => { ({ models, dispose } = await loadDemoModels()); });
afterAll(async () => { await dispose(); });

describe('tank evaluation in the demo', () => {
  it('energy in the box and pointing equal a recomputation from the maps; separating methods follow the table', async () => {
    const images = 2;
    const seed = 77;
    const e = await tankEvaluation({ shortcut: models.tankShortcut, fixed: models.tankFixed }, { images, seed });
    const size = models.tankFixed.itemShape[1];
    const data = tankDataset({ split: 'balanced', count: 8 * images, seed, size });
    const picked = data.labels.flatMap((l, i) => (l === 1 && data.boxes[i] ? [i] : [])).slice(0, images);
    const pointing = e.fixed.metrics.indexOf('pointing');
    for (const [name, table, model] of [['shortcut', e.shortcut, models.tankShortcut], ['fixed', e.fixed, models.tankFixed]] as const) {
      expect(table.target).toEqual([1, 1]);
      for (const method of ['gradcam', 'saliency', 'occlusion']) {
        const row = table.rows.find((r) => r.method === method)!;
        const map = (await findMethod(method).run(model, await model.preprocess(picked.map((i) => data.images[i])), { target: 1 })).map.data;
        const energies: number[] = [];
        const hits: number[] = [];
        picked.forEach((i, n) => {
          const box = data.boxes[i]!;
          const m = map.subarray(n * size * size, (n + 1) * size * size);
          let inside = 0;
          let total = 0;
          let peak = 0;
          m.forEach((v, p) => {
            total += Math.max(v, 0);
            if (v > m[peak]) peak = p;
            const [x, y] = [p % size, Math.floor(p / size)];
            if (x >= box.x && x < box.x + box.width && y >= box.y && y < box.y + box.height) inside += Math.max(v, 0);
          });
          energies.push(inside / total);
          const [px, py] = [peak % size, Math.floor(peak / size)];
          const dx = Math.max(box.x - px, 0, px - (box.x + box.width - 1));
          const dy = Math.max(box.y - py, 0, py - (box.y + box.height - 1));
          hits.push(Math.hypot(dx, dy) <= Math.round((15 * size) / 224) ? 1 : 0);
        });
        const [hit, energy] = row.evaluations[pointing].scores;
        expect(energy.perImage.map((v, k) => v - energies[k]).every((d) => Math.abs(d) < 1e-5), `${name} ${method} energy`).toBe(true);
        expect(hit.perImage, `${name} ${method} pointing`).toEqual(hits);
      }
    }
    const energy = (t: typeof e.fixed, m: string) => t.rows.find((r) => r.method === m)!.evaluations[pointing].scores[1].mean;
    const expected = e.fixed.rows.filter((r) => !r.skipped && !e.shortcut.rows.find((s) => s.method === r.method)!.skipped)
      .map((r) => r.method).filter((m) => energy(e.fixed, m) - energy(e.shortcut, m) >= 0.1);
    expect(e.separating).toEqual(expected);
    expect(e.fixed.rows.map((r) => r.method)).toContain('gradcam');
  });
});
