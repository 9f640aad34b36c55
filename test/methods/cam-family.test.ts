/**
 * The CAM family against PyTorch (Grad-CAM++, Layer-CAM, Score-CAM on both exporters), CAM's
 * identity with Grad-CAM at the pooled layer, guided Grad-CAM as the product of its parts,
 * and the model-randomization sanity check of Adebayo et al.
 */
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { gradCam } from '../../src/methods/grad-cam.js';
import { gradCamPlusPlus, layerCam } from '../../src/methods/cam-family.js';
import { classActivationMap } from '../../src/methods/class-activation-map.js';
import { saliency } from '../../src/methods/saliency.js';
import { guidedGradCam } from '../../src/methods/guided-gradcam.js';
import { scoreCam } from '../../src/methods/score-cam.js';
import { seededNormal } from '../../src/numeric/seeded-random.js';
import { loadModel } from '../../src/node/index.js';
import { decodeModel, encodeModel } from '../../src/onnx/codec.js';
import { float32Tensor, tensorToFloat32 } from '../../src/onnx/tensor.js';
import { DataType } from '../../src/onnx/types.js';
import { expectClose, loadRefs, modelPath } from './refs.js';

const cnns = ['tiny_cnn', 'alexnet', 'vgg', 'resnet_basic', 'resnet_bottleneck', 'densenet', 'squeezenet', 'mobilenet_v2', 'mobilenet_v3', 'googlenet', 'shufflenet'];
const exporters = ['legacy', 'dynamo'];
const TOL = 2e-4;
const open = (name: string, exporter = 'legacy') => loadModel(modelPath(loadRefs(name).json.exports[exporter].file), { preprocess: 'unit' });

describe.each(cnns.flatMap((m) => exporters.map((e) => [m, e])))('%s (%s exporter) against PyTorch', (name, exporter) => {
  const refs = loadRefs(name);
  const x = refs.array('input');
  const options = { layer: refs.json.layer, target: { perImage: refs.json.targets } };
  let model: ConvlensModel;
  afterAll(() => model?.dispose());

  it('Grad-CAM++ and Layer-CAM', async () => {
    model = await open(name, exporter);
    expectClose((await gradCamPlusPlus(model, x, options)).raw, refs.array('gradcam_pp'), TOL, 'Grad-CAM++');
    expectClose((await layerCam(model, x, options)).raw, refs.array('layercam'), TOL, 'Layer-CAM');
  });

});

describe.each(['tiny_cnn', 'resnet_basic', 'vgg'].flatMap((m) => exporters.map((e) => [m, e])))('%s (%s exporter): Score-CAM against PyTorch', (name, exporter) => {
  it('maps and channel scores', async () => {
    const refs = loadRefs(name);
    const x = refs.array('input');
    const model = await open(name, exporter);
    // Small batches make several forward calls per image, with a shorter last one.
    const cam = await scoreCam(model, x, { layer: refs.json.layer, target: { perImage: refs.json.targets }, batchSize: 6 });
    expectClose(cam.raw, refs.array('scorecam'), 1e-4, 'Score-CAM');
    expectClose(cam.channelScores, refs.array('scorecam_weights'), 1e-4, 'Score-CAM channel scores');
    expect(cam.map.shape).toEqual([2, ...x.shape.slice(2)]);
    await model.dispose();
  });
});

/** Largest |a - s * b| relative to max |a|, for the least-squares scale s. */
function proportionalityError(a: FloatTensor, b: FloatTensor): { scale: number; error: number } {
  let ab = 0;
  let bb = 0;
  let top = 0;
  a.data.forEach((v, i) => { ab += v * b.data[i]; bb += b.data[i] ** 2; top = Math.max(top, Math.abs(v)); });
  const scale = ab / bb;
  let error = 0;
  a.data.forEach((v, i) => { error = Math.max(error, Math.abs(v - scale * b.data[i])); });
  return { scale, error: error / top };
}

describe('CAM', () => {
  const pooled = ['tiny_cnn', 'resnet_basic', 'resnet_bottleneck', 'densenet', 'googlenet', 'mobilenet_v2', 'shufflenet', 'squeezenet'];
  it.each(pooled.flatMap((m) => exporters.map((e) => [m, e])))('%s (%s): Grad-CAM at the pooled layer is CAM / (h w)', async (name, exporter) => {
    const refs = loadRefs(name);
    const x = refs.array('input');
    const model = await open(name, exporter);
    const classes = refs.json.numClasses;
    const weights = Array.from({ length: classes }, (_, j) => Math.sin(j + 1));
    let compared = 0;
    const everyClass = Array.from({ length: classes }, (_, j) => j);
    for (const target of [everyClass, { weights }]) {
      const cam = await classActivationMap(model, x, { target });
      const grad = await gradCam(model, x, { layer: cam.layer, target });
      const [M, h, w] = cam.raw.shape;
      // Each item on its own: an item whose map is all negative is zero after the ReLU in both.
      for (let m = 0; m < M; m++) {
        const item = (t: FloatTensor) => ({ data: t.data.subarray(m * h * w, (m + 1) * h * w), shape: [h, w] });
        if (item(cam.raw).data.every((v) => v === 0)) {
          expect(item(grad.raw).data.every((v) => v === 0)).toBe(true);
          continue;
        }
        const { scale, error } = proportionalityError(item(cam.raw), item(grad.raw));
        expect(error).toBeLessThan(1e-5);
        expect(scale).toBeCloseTo(h * w, 3);
        compared++;
      }
      expect(cam.target).toEqual(grad.target);
    }
    expect(compared).toBeGreaterThanOrEqual(4);
    await model.dispose();
  });

  it.each(['vgg', 'alexnet', 'mobilenet_v3', 'vit'].flatMap((m) => exporters.map((e) => [m, e])))('%s (%s): no pool-then-linear head gives NO_CAM_HEAD', async (name, exporter) => {
    const refs = loadRefs(name);
    const model = await open(name, exporter);
    await expect(classActivationMap(model, refs.array('input'), { target: 0 })).rejects.toMatchObject({ code: 'NO_CAM_HEAD', message: expect.stringMatching(/gradcam/) });
    await model.dispose();
  });
});

describe('guided Grad-CAM', () => {
  it.each([['tiny_cnn', 'legacy'], ['mobilenet_v2', 'dynamo'], ['resnet_basic', 'legacy-dynbatch']])('%s (%s): guided backprop times the upsampled Grad-CAM map, from one run', async (name, exporter) => {
    const refs = loadRefs(name);
    const x = refs.array('input');
    const model = await open(name, exporter);
    for (const target of [{ perImage: refs.json.targets }, [1, 4]]) {
      const ggc = await guidedGradCam(model, x, { layer: refs.json.layer, target });
      const guided = await saliency(model, x, { target, rule: 'guided' });
      const cam = await gradCam(model, x, { layer: refs.json.layer, target });
      const [M, C, H, W] = guided.raw.shape;
      const expected = Float32Array.from(guided.raw.data, (g, i) => g * cam.map.data[Math.floor(i / (C * H * W)) * H * W + (i % (H * W))]);
      expectClose(ggc.raw, { data: expected, shape: [M, C, H, W] }, 1e-5, 'guided Grad-CAM');
      expectClose(ggc.scores, guided.scores, 1e-6, 'scores');
      expect(ggc.target).toEqual(cam.target);
    }
    await model.dispose();
  });
});

/** Spearman rank correlation (ties share their mean rank); a flat map against a varying one is 0. */
function rankCorrelation(a: Float32Array, b: Float32Array): number {
  const ranks = (v: Float32Array) => {
    const order = Array.from(v.keys()).sort((i, j) => v[i] - v[j]);
    const r = new Float64Array(v.length);
    for (let i = 0; i < order.length;) {
      let j = i;
      while (j + 1 < order.length && v[order[j + 1]] === v[order[i]]) j++;
      for (let k = i; k <= j; k++) r[order[k]] = (i + j) / 2;
      i = j + 1;
    }
    return r;
  };
  const [ra, rb] = [ranks(a), ranks(b)];
  const mean = (r: Float64Array) => r.reduce((s, v) => s + v, 0) / r.length;
  const [ma, mb] = [mean(ra), mean(rb)];
  let cov = 0, va = 0, vb = 0;
  ra.forEach((v, i) => { cov += (v - ma) * (rb[i] - mb); va += (v - ma) ** 2; vb += (rb[i] - mb) ** 2; });
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : va === vb ? 1 : 0;
}

/** The model with the float initializers `pick` selects replaced by seeded noise of the same RMS. */
function randomized(file: string, pick: (name: string) => boolean): Uint8Array {
  const model = decodeModel(new Uint8Array(readFileSync(modelPath(file))));
  const normal = seededNormal(7);
  const initializers = new Map(model.graph.initializers);
  for (const [name, t] of initializers) {
    if (t.dataType !== DataType.FLOAT || !pick(name)) continue;
    const values = tensorToFloat32(t);
    const rms = Math.sqrt(values.reduce((s, v) => s + v * v, 0) / values.length) || 0.1;
    // A variance must stay positive: a negative one makes BatchNormalization output NaN.
    const draw = /running_var$/.test(name) ? () => Math.abs(normal()) * rms : () => normal() * rms;
    initializers.set(name, float32Tensor(name, t.dims, Float32Array.from(values, draw)));
  }
  return encodeModel({ ...model, graph: { ...model.graph, initializers } });
}

/** Rank correlation of each item's raw map between two results. */
function itemCorrelations(a: FloatTensor, b: FloatTensor): number[] {
  const n = a.data.length / a.shape[0];
  return Array.from({ length: a.shape[0] }, (_, m) => rankCorrelation(a.data.subarray(m * n, (m + 1) * n), b.data.subarray(m * n, (m + 1) * n)));
}

describe('sanity check: model parameter randomization (Adebayo et al. 2018)', () => {
  // Models whose explained layer is at least 4 x 4, so rank correlations mean something.
  const models = [['tiny_cnn', 'fc.'], ['vgg', 'classifier.'], ['densenet', 'classifier.'], ['mobilenet_v2', 'classifier.']] as const;
  type Method = (m: ConvlensModel, x: FloatTensor, o: { layer: string; target: { perImage: number[] } }) => Promise<{ raw: FloatTensor }>;
  const methods: [string, Method][] = [['Grad-CAM', gradCam], ['Grad-CAM++', gradCamPlusPlus], ['Layer-CAM', layerCam], ['Score-CAM', scoreCam], ['guided Grad-CAM', guidedGradCam]];

  async function correlations(pick: (name: string, head: string) => boolean, list: [string, Method][], names = models.map(([n]) => n)): Promise<Map<string, number[]>> {
    const out = new Map<string, number[]>(list.map(([label]) => [label, []]));
    for (const [name, head] of models.filter(([n]) => names.includes(n))) {
      const refs = loadRefs(name);
      const x = refs.array('input');
      const options = { layer: refs.json.layer, target: { perImage: refs.json.targets } };
      const trained = await open(name);
      const random = await loadModel(randomized(refs.json.exports.legacy.file, (n) => pick(n, head)), { preprocess: 'unit' });
      for (const [label, method] of list) out.get(label)!.push(...itemCorrelations((await method(trained, x, options)).raw, (await method(random, x, options)).raw));
      await Promise.all([trained.dispose(), random.dispose()]);
    }
    return out;
  }

  // Per item, a 4 x 4 map can correlate by chance; the mean over 6-8 items cannot, much.
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

  it('randomizing the classifier reorders the class-sensitive maps (Grad-CAM, CAM)', async () => {
    const classifier = (n: string, head: string) => n.startsWith(head);
    const grad = (await correlations(classifier, [['Grad-CAM', gradCam]])).get('Grad-CAM')!;
    // vgg has no CAM head.
    const cam = (await correlations(classifier, [['CAM', (m, x, o) => classActivationMap(m, x, o)]], ['tiny_cnn', 'densenet', 'mobilenet_v2'])).get('CAM')!;
    expect(grad).toHaveLength(8);
    expect(cam).toHaveLength(6);
    expect(mean(grad)).toBeLessThan(0.4);
    expect(mean(cam)).toBeLessThan(0.4);
  }, 240_000);

  it('randomizing every weight decorrelates every CAM method on average', async () => {
    const result = await correlations(() => true, methods);
    for (const [label, values] of result) expect(mean(values), label).toBeLessThan(0.5);
  }, 240_000);
});

describe('bad input', () => {
  it('CAM methods on a layer without spatial output give NO_SPATIAL_OUTPUT', async () => {
    const refs = loadRefs('tiny_cnn');
    const model = await open('tiny_cnn');
    const x = refs.array('input');
    for (const method of [gradCamPlusPlus, layerCam, scoreCam, guidedGradCam]) {
      await expect(method(model, x, { layer: 'fc', target: 0 })).rejects.toMatchObject({ code: 'NO_SPATIAL_OUTPUT' });
    }
    await expect(scoreCam(model, x, { layer: 'relu2', target: 0, batchSize: 0 })).rejects.toMatchObject({ code: 'BAD_OPTION' });
    await model.dispose();
  });
});
