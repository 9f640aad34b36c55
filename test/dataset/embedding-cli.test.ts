/**
 * `convlens embed` on the shapes demo: the page holds one point per image with the scores the
 * library computes for the same features, repeats byte for byte with its seed, and bad input
 * (unknown layer, too few images) fails with a clear message and no page.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoDataset } from '../../src/dataset/demo-datasets.js';
import { embedFeatures, featureSpace, neighbourPreservation } from '../../src/dataset/embedding.js';
import { pooledFeatures } from '../../src/dataset/pooled-features.js';
import { loadModel } from '../../src/node/index.js';
import { runCli, tempDir } from '../cli/cli-harness.js';

const model = new URL('../../models/shapes.onnx', import.meta.url).pathname;
let root: string;
beforeAll(() => { root = tempDir('convlens-embed-'); });

describe('convlens embed', () => {
  it('writes a self-contained page with the library\'s score and repeats it with the seed', async () => {
    const pages = ['a.html', 'b.html'].map((f) => join(root, f));
    for (const page of pages) {
      const r = await runCli(['embed', '--dataset', 'shapes', '--count', '60', '--model', model, '--layer', 'avgpool', '--seed', '4', '--out', page]);
      expect(r.err).toBe('');
      expect(r.code).toBe(0);
    }
    const html = readFileSync(pages[0], 'utf8');
    expect(readFileSync(pages[1], 'utf8')).toBe(html);
    expect(html.match(/<circle /g)).toHaveLength(60);
    expect(html.match(/data:image\/png;base64,/g)).toHaveLength(60);
    expect(html).not.toMatch(/src="http|<script src/);
    const m = await loadModel(model);
    try {
      const f = await pooledFeatures(m, demoDataset('shapes', { count: 60 }), 'avgpool');
      const score = neighbourPreservation(featureSpace(f.values, f.dims), f.dims, embedFeatures(f.values, f.dims, { seed: 4 }));
      expect(html).toContain(`neighbour preservation ${score.toFixed(3)}`);
    } finally {
      await m.dispose();
    }
  }, 120_000);

  it('refuses an unknown layer and too few images without writing a page', async () => {
    const page = join(root, 'bad.html');
    const unknown = await runCli(['embed', '--count', '60', '--model', model, '--layer', 'nope', '--out', page]);
    expect(unknown.code).not.toBe(0);
    expect(unknown.err).toMatch(/nope/);
    const few = await runCli(['embed', '--count', '5', '--model', model, '--layer', 'avgpool', '--out', page]);
    expect(few.code).not.toBe(0);
    expect(few.err).toMatch(/at least 12 images/);
    const missing = await runCli(['embed', '--model', model, '--out', page]);
    expect(missing.err).toMatch(/--layer/);
    expect(existsSync(page)).toBe(false);
  }, 60_000);
});
