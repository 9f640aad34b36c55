/**
 * The evaluation section of `convlens report`: its numbers are those the library computes for
 * the same images, it carries the sanity column, `--evaluate none` leaves it out, and a metric
 * the report cannot run is a clear error.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateMethods } from '../../src/evaluate/method-table.js';
import { findMethod } from '../../src/methods/registry.js';
import { loadImage, loadModel } from '../../src/node/index.js';
import { formatMeanSpread } from '../../src/render/evaluation-section.js';
import { fixtureModel, runCli, tempDir, testPng } from '../cli/cli-harness.js';

describe('convlens report: evaluation section', () => {
  const dir = tempDir('convlens-report-eval-');
  const images = ['a.png', 'b.png'].map((name, k) => {
    const path = join(dir, name);
    writeFileSync(path, testPng(40 + 8 * k, 32));
    return path;
  });
  const model = fixtureModel('vgg.legacy');

  it('shows the library\'s numbers and the sanity column', async () => {
    const out = join(dir, 'r.html');
    const r = await runCli(['report', ...images, '--model', model, '--method', 'gradcam,saliency', '--preprocess', 'unit', '--evaluate', 'deletion,randomization', '--out', out]);
    expect(r.code, r.err).toBe(0);
    const html = readFileSync(out, 'utf8');
    const section = /<section id="evaluation-vgg-legacy"[^>]*>([^]*?)<\/section>/.exec(html)![1];
    expect(section).toContain('sanity');
    const m = await loadModel(model, { preprocess: 'unit' });
    const x = await m.preprocess(await Promise.all(images.map((p) => loadImage(p))));
    const table = await evaluateMethods(m, x, ['gradcam', 'saliency'].map(findMethod), ['deletion', 'randomization'], { layers: 3, independent: false });
    for (const row of table.rows) {
      for (const e of row.evaluations) for (const s of e.scores) expect(section, `${row.method} ${s.name}`).toContain(formatMeanSpread(s.mean, s.spread));
      expect(section).toContain(row.evaluations[1].insensitive ? 'INSENSITIVE' : '<td>ok</td>');
    }
    expect(html).toContain('cascades through the top 3 layers');
    await m.dispose();
  });

  it('--evaluate none leaves the section out; pointing needs boxes the report does not have', async () => {
    const out = join(dir, 'none.html');
    expect((await runCli(['report', images[0], '--model', model, '--method', 'gradcam', '--preprocess', 'unit', '--evaluate', 'none', '--out', out])).code).toBe(0);
    expect(readFileSync(out, 'utf8')).not.toContain('id="evaluation');
    const bad = await runCli(['report', images[0], '--model', model, '--method', 'gradcam', '--evaluate', 'pointing', '--out', join(dir, 'p.html')]);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toContain('no object boxes for the pointing game');
  });
});
