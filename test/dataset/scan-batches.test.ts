/**
 * The scan's batch pipeline where batches come out short (unreadable images left out, a
 * short last batch, all padded to one batch size): top-K, maxima and fire rates against a
 * brute force over one forward pass of the readable images.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDataset } from '../../src/dataset/demo-datasets.js';
import { scanDataset } from '../../src/dataset/scan.js';
import type { DatasetSource } from '../../src/dataset/source.js';
import type { ConvlensModel } from '../../src/engine/model.js';
import { ConvlensError } from '../../src/errors.js';
import { forward } from '../../src/methods/passes.js';
import { loadModel } from '../../src/node/index.js';

const demo = demoDataset('shapes', { count: 45, seed: 9 });
const unreadable = new Set([0, 5, 6, 7, 19, 44]);
const data: DatasetSource = {
  ...demo,
  load: (i) => (unreadable.has(i) ? Promise.reject(new ConvlensError('IMAGE_UNDECODABLE', `image ${i} is broken`)) : demo.load(i)),
};
let model: ConvlensModel;
beforeAll(async () => { model = await loadModel(new URL('../../models/shapes.onnx', import.meta.url).pathname, { threads: 1 }); });
afterAll(() => model?.dispose());

describe('scanDataset batches', () => {
  it('equals a brute force over the readable images when batches are short', async () => {
    const layer = 'features.7';
    const scan = await scanDataset(model, data, { layers: [layer], top: 5, batchSize: 8 });
    expect(scan.skipped.map((s) => s.image)).toEqual([...unreadable].sort((a, b) => a - b));
    const readable = demo.entries.map((_, i) => i).filter((i) => !unreadable.has(i));
    const tensor = model.resolveLayer(layer);
    const t = (await forward(model, await model.preprocess(await Promise.all(readable.map((i) => demo.load(i)))), [tensor]))[tensor];
    const [N, C, h, w] = t.shape;
    const plane = h * w;
    const results = scan.layers[0].summary.results();
    for (let c = 0; c < C; c++) {
      const planes = Array.from({ length: N }, (_, n) => Array.from(t.data.subarray((n * C + c) * plane, (n * C + c + 1) * plane)));
      const scored = planes.map((v, n) => {
        let sum = 0;
        for (const a of v) sum += a;
        const at = v.indexOf(Math.max(...v));
        return { image: readable[n], score: sum / plane, y: Math.floor(at / w), x: at % w };
      }).sort((a, b) => b.score - a.score || a.image - b.image);
      const all = planes.flat();
      expect(results[c].top, `channel ${c}`).toEqual(scored.slice(0, 5));
      expect(results[c].max).toBe(Math.max(...all));
      expect(results[c].fireRate).toBe(all.filter((v) => v > 0).length / all.length);
    }
    expect(scan.predictions.all().map((p) => p.image)).toEqual(readable);
  }, 60_000);
});
