/**
 * Occlusion against the PyTorch fixtures (zero fill, class targets), and against a brute
 * force written here: each occluded image built by hand and run alone through the model.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { ConvlensError } from '../../src/errors.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { occlusion } from '../../src/methods/occlusion.js';
import { forward } from '../../src/methods/passes.js';
import { loadModel } from '../../src/node/index.js';
import { expectClose, loadRefs, modelPath } from './refs.js';

const fixtures = [['tiny_cnn', 4], ['resnet_basic', 8]] as const;

describe.each(fixtures.flatMap(([m, patch]) => ['legacy', 'dynamo'].map((e) => [m, e, patch] as const)))('%s (%s exporter) occlusion against PyTorch', (name, exporter, patch) => {
  const refs = loadRefs(name);
  let model: ConvlensModel;
  afterAll(() => model?.dispose());

  it(`patch ${patch}, stride ${patch}, zero fill: score drops and map`, async () => {
    model = await loadModel(modelPath(refs.json.exports[exporter].file), { preprocess: 'unit' });
    const expected = refs.array('occlusion');
    const occ = await occlusion(model, refs.array('input'), { target: { perImage: refs.json.targets }, patch, fill: 'zero' });
    expectClose(occ.raw, expected, 1e-4, 'occlusion drops');
    // With stride = patch every pixel lies in exactly one patch: the map is the grid, blown up and min-max scaled.
    const [M, gh, gw] = expected.shape;
    const [H, W] = refs.json.inputShape.slice(2);
    const map = new Float32Array(M * H * W);
    for (let m = 0; m < M; m++) {
      const cells = expected.data.subarray(m * gh * gw, (m + 1) * gh * gw);
      const lo = Math.min(...cells);
      const hi = Math.max(...cells);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) map[(m * H + y) * W + x] = (cells[Math.floor(y / patch) * gw + Math.floor(x / patch)] - lo) / (hi - lo);
    }
    expectClose(occ.map, { data: map, shape: [M, H, W] }, 1e-4, 'occlusion map');
    expectClose(occ.scores, refs.array('logits'), 1e-4, 'scores');
    expect(occ.target).toEqual(refs.json.targets);
  });
});

type Occluder = (img: Float32Array, y0: number, x0: number) => Float32Array;

/** Drops computed one occluded image at a time: `score(original) - score(occluded)` per grid cell. */
async function bruteForce(model: ConvlensModel, x: FloatTensor, n: number, grid: { ph: number; pw: number; sh: number; sw: number }, occlude: Occluder,
  tensor: string, score: (out: Float32Array) => number): Promise<number[]> {
  const [, C, H, W] = x.shape;
  const size = C * H * W;
  const img = x.data.slice(n * size, (n + 1) * size);
  const run = async (data: Float32Array) => score((await forward(model, { data, shape: [1, C, H, W] }, [tensor]))[tensor].data);
  const before = await run(img);
  const drops: number[] = [];
  for (let y0 = 0; y0 + grid.ph <= H; y0 += grid.sh) {
    for (let x0 = 0; x0 + grid.pw <= W; x0 += grid.sw) drops.push(before - await run(occlude(img, y0, x0)));
  }
  return drops;
}

/** Copies `img` with the patch at (y0, x0) of every channel taken from `source(c, y, x)`. */
function patched(img: Float32Array, C: number, H: number, W: number, ph: number, pw: number, y0: number, x0: number, source: (c: number, y: number, x: number) => number): Float32Array {
  const out = img.slice();
  for (let c = 0; c < C; c++) for (let y = y0; y < y0 + ph; y++) for (let x = x0; x < x0 + pw; x++) out[(c * H + y) * W + x] = source(c, y, x);
  return out;
}

describe('occlusion against a brute force on tiny_cnn', () => {
  const refs = loadRefs('tiny_cnn');
  const x = refs.array('input');
  const [N, C, H, W] = x.shape;
  let model: ConvlensModel;
  const open = async () => (model ??= await loadModel(modelPath(refs.json.exports.legacy.file), { preprocess: 'unit' }));
  afterAll(() => model?.dispose());

  it("'mean' fill, a class per image, a non-square patch whose stride leaves a border", async () => {
    const m = await open();
    const grid = { ph: 4, pw: 3, sh: 2, sw: 3 };
    const occ = await occlusion(m, x, { target: { perImage: [5, 2] }, patch: [4, 3], stride: [2, 3], fill: 'mean' });
    expect(occ.raw.shape).toEqual([N, 3, 2]);
    for (let n = 0; n < N; n++) {
      const img = x.data.subarray(n * C * H * W, (n + 1) * C * H * W);
      const means = [0, 1, 2].map((c) => img.subarray(c * H * W, (c + 1) * H * W).reduce((a, b) => a + b, 0) / (H * W));
      const cls = [5, 2][n];
      const drops = await bruteForce(m, x, n, grid, (im, y0, x0) => patched(im, C, H, W, 4, 3, y0, x0, (c) => means[c]), m.outputName, (out) => out[cls]);
      expectClose({ data: occ.raw.data.subarray(n * 6, (n + 1) * 6), shape: [6] }, { data: Float32Array.from(drops), shape: [6] }, 1e-4, `image ${n} drops`);
      // Rows 2..5 lie in two patches of a column, the last two columns in none (drop 0).
      const mean = (y: number, x0: number) => (y < 2 ? drops[x0] : y >= 6 ? drops[4 + x0] : (drops[Math.floor(y / 2) * 2 - 2 + x0] + drops[Math.floor(y / 2) * 2 + x0]) / 2);
      const values = Array.from({ length: H * W }, (_, i) => { const y = Math.floor(i / W); const c = i % W; return c >= 6 ? 0 : mean(y, Math.floor(c / 3)); });
      const lo = Math.min(...values);
      const hi = Math.max(...values);
      expectClose({ data: occ.map.data.subarray(n * H * W, (n + 1) * H * W), shape: [H * W] }, { data: Float32Array.from(values, (v) => (v - lo) / (hi - lo)), shape: [H * W] }, 1e-4, `image ${n} map`);
    }
  });

  it('a unit target: channel mean, and the value at one position with a constant fill', async () => {
    const m = await open();
    const tensor = m.resolveLayer('relu2');
    const grid = { ph: 3, pw: 3, sh: 2, sw: 2 };
    const cases = [
      { unit: { layer: 'relu2', channel: 1 }, fill: 'zero' as const, value: 0, score: (a: Float32Array) => a.subarray(16, 32).reduce((s, v) => s + v, 0) / 16 },
      { unit: { layer: 'relu2', channel: 4, y: 1, x: 2 }, fill: 0.75, value: 0.75, score: (a: Float32Array) => a[4 * 16 + 1 * 4 + 2] },
    ];
    for (const c of cases) {
      const occ = await occlusion(m, x, { unit: c.unit, patch: 3, stride: 2, fill: c.fill });
      expect(occ.raw.shape).toEqual([N, 3, 3]);
      expect(occ.target).toEqual([null, null]);
      for (let n = 0; n < N; n++) {
        const drops = await bruteForce(m, x, n, grid, (im, y0, x0) => patched(im, C, H, W, 3, 3, y0, x0, () => c.value), tensor, c.score);
        expectClose({ data: occ.raw.data.subarray(n * 9, (n + 1) * 9), shape: [9] }, { data: Float32Array.from(drops), shape: [9] }, 1e-4, `unit ${JSON.stringify(c.unit)} image ${n}`);
      }
    }
  });

  it("'blur' fill copies a Gaussian-blurred image (edges replicated) into the patch", async () => {
    const m = await open();
    const sigma = 1.5;
    const r = Math.ceil(3 * sigma);
    const k = Array.from({ length: 2 * r + 1 }, (_, i) => Math.exp(-((i - r) ** 2) / (2 * sigma * sigma)));
    const ksum = k.reduce((a, b) => a + b, 0);
    const clamp = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));
    const occ = await occlusion(m, x, { target: 3, patch: 4, fill: 'blur', blurSigma: sigma });
    for (let n = 0; n < N; n++) {
      const img = x.data.subarray(n * C * H * W, (n + 1) * C * H * W);
      const blurred = (c: number, y: number, xx: number) => {
        let s = 0;
        for (let i = -r; i <= r; i++) for (let j = -r; j <= r; j++) s += k[i + r] * k[j + r] * img[(c * H + clamp(y + i, H)) * W + clamp(xx + j, W)];
        return s / (ksum * ksum);
      };
      const drops = await bruteForce(m, x, n, { ph: 4, pw: 4, sh: 4, sw: 4 }, (im, y0, x0) => patched(im, C, H, W, 4, 4, y0, x0, blurred), m.outputName, (out) => out[3]);
      expectClose({ data: occ.raw.data.subarray(n * 4, (n + 1) * 4), shape: [4] }, { data: Float32Array.from(drops), shape: [4] }, 1e-4, `blur image ${n}`);
    }
  });

  it('several classes per image are items of one run, each equal to its single-class run', async () => {
    const m = await open();
    const both = await occlusion(m, x, { target: [3, 7], patch: 4 });
    expect(both.image).toEqual([0, 0, 1, 1]);
    expect(both.target).toEqual([3, 7, 3, 7]);
    for (const [i, cls] of [[0, 3], [1, 7]] as const) {
      const one = await occlusion(m, x, { target: cls, patch: 4 });
      for (let n = 0; n < N; n++) expect(Array.from(both.raw.data.subarray((2 * n + i) * 4, (2 * n + i + 1) * 4))).toEqual(Array.from(one.raw.data.subarray(n * 4, (n + 1) * 4)));
    }
  });

  it('rejects a patch larger than the input, naming both sizes', async () => {
    const m = await open();
    const err = await occlusion(m, x, { patch: [9, 4] }).catch((e) => e);
    expect(err).toBeInstanceOf(ConvlensError);
    expect(err.code).toBe('BAD_OPTION');
    expect(err.message).toContain('9x4');
    expect(err.message).toContain('8x8');
    await expect(occlusion(m, x, { unit: { layer: 'relu2', channel: 6 } })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await expect(occlusion(m, x, { unit: { layer: 'relu2', channel: 0, y: 1 } })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await expect(occlusion(m, x, { unit: { layer: 'nope', channel: 0 } })).rejects.toMatchObject({ code: 'UNKNOWN_LAYER' });
  });
});

describe('occlusion batching', () => {
  it('gives the same bytes on repeated calls and the same values for any batch size, reporting progress', async () => {
    const refs = loadRefs('resnet_basic');
    const model = await loadModel(modelPath(refs.json.exports['legacy-dynbatch'].file), { preprocess: 'unit' });
    const x = refs.array('input');
    const options = { target: { perImage: refs.json.targets }, patch: 16, stride: 8 };
    const first = await occlusion(model, x, options);
    const second = await occlusion(model, x, options);
    expect(Buffer.from(second.raw.data.buffer)).toEqual(Buffer.from(first.raw.data.buffer));
    expect(Buffer.from(second.map.data.buffer)).toEqual(Buffer.from(first.map.data.buffer));
    const progress: number[] = [];
    const small = await occlusion(model, x, { ...options, batchSize: 5, onProgress: (done, total) => progress.push(done / total) });
    expectClose(small.raw, first.raw, 1e-5, 'batch size 5 against the default');
    expect(progress.at(-1)).toBe(1);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const controller = new AbortController();
    controller.abort();
    await expect(occlusion(model, x, { ...options, signal: controller.signal })).rejects.toMatchObject({ code: 'ABORTED' });
    await model.dispose();
  });
});
