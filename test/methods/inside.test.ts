/** Filters (weights and their pictures) and feature maps (activations and their grids). */
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { ConvlensError } from '../../src/errors.js';
import { lineHeight, measureText } from '../../src/image/text.js';
import { colormapTable } from '../../src/image/colormap.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';
import { featureMaps } from '../../src/methods/feature-maps.js';
import { filters } from '../../src/methods/filters.js';
import { featureMapGrids } from '../../src/render/feature-map-grid.js';
import { filterGrid } from '../../src/render/filter-grid.js';
import { forward } from '../../src/methods/passes.js';
import { loadModel } from '../../src/node/index.js';
import { tensorToFloat32 } from '../../src/onnx/tensor.js';
import { expectClose, loadRefs, modelPath } from './refs.js';

const pixel = (img: RgbImage, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
const byte = (v: number, lo: number, hi: number) => Math.round((255 * (v - lo)) / (hi - lo));
const rangeOf = (values: ArrayLike<number>) => [Math.min(...Array.from(values)), Math.max(...Array.from(values))];

const models = ['tiny_cnn', 'alexnet', 'vgg', 'resnet_basic', 'resnet_bottleneck', 'densenet', 'squeezenet', 'mobilenet_v2', 'mobilenet_v3', 'googlenet', 'shufflenet', 'vit'];

describe.each(models.flatMap((m) => ['legacy', 'dynamo'].map((e) => [m, e])))('first convolution filters of %s (%s exporter)', (name, exporter) => {
  it('are the initializer values, BatchNorm-folded or not, drawn in colour', async () => {
    const refs = loadRefs(name);
    const model = await loadModel(modelPath(refs.json.exports[exporter].file), { preprocess: 'unit' });
    const init = String(exporter === 'dynamo' ? refs.json.firstConvWeightDynamo : refs.json.firstConvWeight);
    const tensor = model.onnxModel.graph.initializers.get(init)!;
    const f = filters(model, String(refs.json.firstConvModule));
    expect(f.weights.shape).toEqual(tensor.dims);
    expect(Buffer.from(f.weights.data.buffer)).toEqual(Buffer.from(tensorToFloat32(tensor).slice().buffer));
    expect(f.imageChannels).toBe('RGB');
    // One tile per filter (up to 64): columns = ceil(sqrt(n)), so the grid is wider than one tile.
    expect(filterGrid(f).image.width).toBeGreaterThan(f.weights.shape[3] * 2);
    await model.dispose();
  });
});

describe('filters and feature maps of tiny_cnn', () => {
  const refs = loadRefs('tiny_cnn');
  const x = refs.array('input');
  let model: ConvlensModel;
  const open = async () => (model ??= await loadModel(modelPath(refs.json.exports.dynamo.file), { preprocess: 'unit' }));
  afterAll(() => model?.dispose());

  it('draws first-layer kernels as colour tiles: each weight an 11x11 square of its normalized value', async () => {
    const m = await open();
    for (const range of ['per-filter', 'shared'] as const) {
      const f = filters(m, 'conv1');
      const { weights } = f;
      const { image } = filterGrid(f, { range });
      const [O, I, kh, kw] = weights.shape;
      expect([O, I, kh, kw]).toEqual([4, 3, 3, 3]);
      const w = (o: number, i: number, y: number, x: number) => weights.data[((o * I + i) * kh + y) * kw + x];
      // makeGrid: 2 columns, padding 2, 3x3 kernels upscaled 11x to 33 px, a caption band (a line of text and 2 px) under each row.
      for (let o = 0; o < O; o++) {
        const [lo, hi] = rangeOf(range === 'shared' ? weights.data : weights.data.subarray(o * 27, (o + 1) * 27));
        const left = 2 + (o % 2) * 35;
        const top = 2 + Math.floor(o / 2) * (33 + lineHeight() + 2 + 2);
        for (let y = 0; y < 3; y++) {
          for (let xx = 0; xx < 3; xx++) {
            const expected = [0, 1, 2].map((i) => byte(w(o, i, y, xx), lo, hi));
            expect(pixel(image, left + xx * 11, top + y * 11)).toEqual(expected);
            expect(pixel(image, left + xx * 11 + 10, top + y * 11 + 10)).toEqual(expected);
          }
        }
      }
    }
  });

  it('draws deeper kernels in gray, one row per filter and one column per input channel', async () => {
    const m = await open();
    const f = filters(m, 'conv2');
    const { weights } = f;
    const { image, shown, range } = filterGrid(f, { maxFilters: 5, maxInputs: 3 });
    expect(weights.shape).toEqual([6, 4, 3, 3]);
    expect(f.imageChannels).toBeNull();
    // The ranges are the brute-force minimum and maximum, of the layer and of each filter.
    expect(f.range).toEqual(rangeOf(weights.data));
    expect(f.filterRanges).toEqual(Array.from({ length: 6 }, (_, o) => rangeOf(weights.data.subarray(o * 36, (o + 1) * 36))));
    // What the figure leaves out is reported, so a title can say "input channels 0-2 of 4".
    expect(shown).toEqual({ filters: 5, inputs: 3 });
    expect(range).toBeNull();
    // rowColumnFigure: row labels (the widest, "0".."4") + 4 px gap, column labels a line high + 4 px gap, padding 2, 33 px cells.
    const left = Math.max(...['0', '1', '2', '3', '4'].map((l) => measureText(l).width)) + 4;
    const top = lineHeight() + 4;
    expect([image.width, image.height]).toEqual([left + 3 * 33 + 4 * 2, top + 5 * 33 + 6 * 2]);
    for (let o = 0; o < 5; o++) {
      const [lo, hi] = rangeOf(weights.data.subarray(o * 36, (o + 1) * 36));
      for (let i = 0; i < 3; i++) {
        const v = byte(weights.data[((o * 4 + i) * 3 + 2) * 3 + 1], lo, hi);
        expect(pixel(image, left + 2 + i * 35 + 11 + 5, top + 2 + o * 35 + 22 + 5)).toEqual([v, v, v]);
      }
    }
  });

  it('names the ops that have filters when a layer has none, and unknown layers with suggestions', async () => {
    const m = await open();
    const err = (() => { try { filters(m, 'relu1'); } catch (e) { return e as ConvlensError; } })();
    expect(err).toBeInstanceOf(ConvlensError);
    expect(err!.code).toBe('BAD_OPTION');
    expect(err!.message).toMatch(/Relu node, which has no filters: only Conv layers/);
    expect(() => filters(m, 'conv3')).toThrow(expect.objectContaining({ code: 'UNKNOWN_LAYER' }));
    await expect(featureMaps(m, x, 'relu9')).rejects.toMatchObject({ code: 'UNKNOWN_LAYER' });
  });

  it('feature maps are the forward activations, ordered by index or by mean activation', async () => {
    const m = await open();
    const tensor = m.resolveLayer('relu2');
    const tap = (await forward(m, x, [tensor]))[tensor];
    const byIndex = await featureMaps(m, x, 'relu2');
    expect(byIndex.raw).toEqual(tap);
    expect([byIndex.layer, byIndex.tensor, byIndex.orderedBy]).toEqual(['relu2', tensor, 'index']);
    for (let n = 0; n < 2; n++) for (let c = 0; c < 6; c++) expect(byIndex.mapRanges[n][c]).toEqual(rangeOf(tap.data.subarray((n * 6 + c) * 16, (n * 6 + c + 1) * 16)));
    expectClose(byIndex.raw, refs.array('layer_activation'), 2e-4, 'relu2 against PyTorch');
    expect(byIndex.order).toEqual([0, 1, 2, 3, 4, 5]);
    const means = byIndex.order.map((c) => {
      let s = 0;
      for (let n = 0; n < 2; n++) for (let i = 0; i < 16; i++) s += tap.data[(n * 6 + c) * 16 + i];
      return s / 32;
    });
    for (let c = 0; c < 6; c++) expect(byIndex.batchMeans[c]).toBeCloseTo(means[c], 5);
    const byMean = await featureMaps(m, x, 'relu2', { order: 'mean' });
    const drawn = featureMapGrids(byMean, { maxChannels: 4, range: 'shared' });
    expect(drawn.ranges).toHaveLength(2);
    expect([...byMean.order].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    for (let k = 1; k < 6; k++) expect(means[byMean.order[k - 1]]).toBeGreaterThanOrEqual(means[byMean.order[k]]);
    expect(drawn.images).toHaveLength(2);
    // Grid of 4 tiles (2 columns), 4x4 maps upscaled 8x; with a shared range the image's
    // largest drawn activation is the top colour of viridis, its smallest the bottom one.
    const lut = colormapTable('viridis');
    for (let n = 0; n < 2; n++) {
      const shown = byMean.order.slice(0, 4).flatMap((c) => Array.from(tap.data.subarray((n * 6 + c) * 16, (n * 6 + c + 1) * 16)));
      const [lo, hi] = rangeOf(shown);
      const at = (v: number) => { const k = shown.indexOf(v); const t = Math.floor(k / 16); return pixel(drawn.images[n], 2 + (t % 2) * 34 + (k % 4) * 8, 2 + Math.floor(t / 2) * (32 + lineHeight() + 2 + 2) + Math.floor((k % 16) / 4) * 8); };
      expect(at(hi)).toEqual(Array.from(lut.subarray(256 * 3, 257 * 3)));
      expect(at(lo)).toEqual(Array.from(lut.subarray(0, 3)));
    }
  });

  it('draws a 2-D output [N, K] as one row of swatches', async () => {
    const m = await open();
    const fm = await featureMaps(m, x, m.outputName);
    const { images, ranges } = featureMapGrids(fm, { colormap: 'gray', range: 'shared' });
    expect(ranges[0]).toEqual(rangeOf(fm.raw.data.subarray(0, 10)));
    expect(fm.raw).toEqual((await forward(m, x, [m.outputName]))[m.outputName]);
    expectClose(fm.raw, refs.array('logits'), 2e-4, 'logits');
    // 10 swatches of 32 px in one row; with the shared range the largest logit is white, the smallest black.
    expect([images[0].width, images[0].height]).toEqual([10 * 32 + 11 * 2, 32 + lineHeight() + 2 + 2 * 2]);
    const row = Array.from(fm.raw.data.subarray(0, 10));
    const swatch = (k: number) => pixel(images[0], 2 + k * 34 + 16, 18);
    expect(swatch(row.indexOf(Math.max(...row)))).toEqual([255, 255, 255]);
    expect(swatch(row.indexOf(Math.min(...row)))).toEqual([0, 0, 0]);
  });
});

describe('filters of a module', () => {
  it('finds the one Conv of a conv-bn-relu module, and lists the convolutions of a larger one', async () => {
    const refs = loadRefs('googlenet');
    const model = await loadModel(modelPath(refs.json.exports.dynamo.file), { preprocess: 'unit' });
    expect(filters(model, 'conv1').weights).toEqual(filters(model, 'conv1.conv').weights);
    expect(() => filters(model, 'inception3a')).toThrow(/Module "inception3a" holds \d+ convolutions; name one: "inception3a\./);
    await model.dispose();
  });
});
