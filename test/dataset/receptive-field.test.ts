/**
 * Receptive fields against a brute-force probe: perturb one input row (or column) at a time
 * and see which units change; the rows and columns that reach a unit must span exactly the
 * computed box, on every fixture architecture.
 */
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { receptiveField, type PixelBox } from '../../src/dataset/receptive-field.js';
import type { ConvlensModel } from '../../src/engine/model.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { forward } from '../../src/methods/passes.js';
import { SceneRandom } from '../../src/demo/scenes/scene-random.js';
import { loadModel } from '../../src/node/index.js';
import { fixtureDir, modelPath } from '../methods/refs.js';

const files = readdirSync(new URL('models/', fixtureDir)).filter((f) => f.endsWith('.onnx'));

/** Base image, then for each row and column two copies with it shifted by +d and -d. */
function probes(C: number, H: number, W: number, seed: number): FloatTensor {
  const rng = new SceneRandom(seed);
  const plane = C * H * W;
  const base = Float32Array.from({ length: plane }, () => rng.range(-1, 1));
  const items = 1 + 2 * (H + W);
  const data = new Float32Array(items * plane);
  for (let k = 0; k < items; k++) data.set(base, k * plane);
  let k = 1;
  // Large shifts of random sign per pixel and channel, so that a perturbed pixel wins the max pools its path runs through.
  const shift = (d: number) => d * (rng.range(0, 1) < 0.5 ? -1 : 1);
  for (const d of [100, 100]) {
    for (let r = 0; r < H; r++, k++) for (let c = 0; c < C; c++) for (let x = 0; x < W; x++) data[k * plane + (c * H + r) * W + x] += shift(d);
    for (let col = 0; col < W; col++, k++) for (let c = 0; c < C; c++) for (let y = 0; y < H; y++) data[k * plane + (c * H + y) * W + col] += shift(d);
  }
  return { data, shape: [items, C, H, W] };
}

/** Rows and columns whose perturbation changed unit (channel, y, x) of a tapped `[items, C, h, w]` tensor. */
function probedBox(t: FloatTensor, H: number, W: number, y: number, x: number): PixelBox {
  const [, C, h, w] = t.shape;
  const item = C * h * w;
  const rows: number[] = [];
  const cols: number[] = [];
  for (let c = 0; c < C; c++) {
    const at = (c * h + y) * w + x;
    const base = t.data[at];
    const tol = 1e-5 * Math.max(1, Math.abs(base));
    let k = 1;
    for (let s = 0; s < 2; s++) {
      for (let r = 0; r < H; r++, k++) if (Math.abs(t.data[k * item + at] - base) > tol) rows.push(r);
      for (let col = 0; col < W; col++, k++) if (Math.abs(t.data[k * item + at] - base) > tol) cols.push(col);
    }
  }
  return { y0: Math.min(...rows), y1: Math.max(...rows) + 1, x0: Math.min(...cols), x1: Math.max(...cols) + 1 };
}

function unionBox(boxes: PixelBox[]): PixelBox {
  return {
    y0: Math.min(...boxes.map((b) => b.y0)), y1: Math.max(...boxes.map((b) => b.y1)),
    x0: Math.min(...boxes.map((b) => b.x0)), x1: Math.max(...boxes.map((b) => b.x1)),
  };
}

describe.each(files)('receptive field of %s', (file) => {
  let model: ConvlensModel;
  afterAll(() => model?.dispose());

  it('equals the brute-force probe at the corners and the centre of sampled layers', async () => {
    model = await loadModel(modelPath(`models/${file}`), { preprocess: 'unit', inputSize: file.startsWith('tiny') ? [8, 8] : undefined });
    const [C, H, W] = model.itemShape;
    // Batch-first [N, C, h, w] tensors only: attention reshapes also make 4-D tensors of other layouts.
    const batchOf = (t: string) => model.engine.shapeInfo([2, C, H, W]).shapes.get(t)?.[0];
    const spatial = model.layers.filter((l) => l.shape.length === 4 && l.shape[2] > 1 && l.shape[3] > 1 && batchOf(l.tensor) === 2);
    const step = Math.max(1, Math.floor(spatial.length / 8));
    const picked = spatial.filter((_, i) => i % step === 0 || i === spatial.length - 1);
    const taps = picked.map((l) => l.tensor);
    // Several random bases: a pixel whose path runs through a unit ReLU silences on one base shows on another.
    const runs = [];
    for (const seed of [7, 8, 9]) runs.push(await forward(model, probes(C, H, W, seed), [...taps, model.outputName]));
    let kinds = 0;
    for (const layer of picked) {
      const rf = receptiveField(model, layer.tensor);
      const [, , h, w] = layer.shape;
      // Global fields are an upper bound (token layouts are not followed); their units are checked through the output below.
      if (rf.kind === 'global') continue;
      for (const [y, x] of [[0, 0], [h - 1, w - 1], [h >> 1, w >> 1], [0, w - 1]]) {
        const expected = rf.box(y, x);
        const probed = unionBox(runs.map((out) => probedBox(out[layer.tensor], H, W, y, x)));
        expect(probed, `${layer.name} unit (${y}, ${x}), ${rf.kind}`).toEqual(expected);
      }
      kinds += rf.kind === 'local' ? 1 : 0;
    }
    expect(kinds).toBeGreaterThan(0);
    const logits = (out: Record<string, FloatTensor>) => {
      const t = out[model.outputName];
      return { data: t.data, shape: [t.shape[0], t.data.length / t.shape[0], 1, 1] };
    };
    expect(receptiveField(model, model.outputName).kind).toBe('global');
    expect(unionBox(runs.map((out) => probedBox(logits(out), H, W, 0, 0)))).toEqual(receptiveField(model, model.outputName).box(0, 0));
  }, 120_000);
});
