/**
 * Deletion, insertion and the model parameter randomization test on the vgg fixture, against
 * values PyTorch computed in float64 (tools/fixtures/make_evaluation_fixtures.py): the same
 * map, the same random weights (the script re-implements convlens's seeded generator), the
 * same rank correlation.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { deletionCurves, insertionCurves } from '../../src/evaluate/deletion-insertion.js';
import { modelRandomization } from '../../src/evaluate/randomization.js';
import { saliency } from '../../src/methods/saliency.js';
import { loadModel } from '../../src/node/index.js';
import { expectClose, loadRefs, modelPath } from '../methods/refs.js';

const refs = loadRefs('evaluation_vgg');
const meta = refs.json as unknown as { model: string; targets: number[]; fractions: number[]; seed: number; layers: string[] };
const target = { perImage: meta.targets };
const x = refs.array('input');
const map = refs.array('map');
const rows = (name: string) => refs.array(name);

describe('metrics against PyTorch on the vgg fixture', () => {
  let model: ConvlensModel;
  const open = async () => (model ??= await loadModel(modelPath(`models/${meta.model}`), { preprocess: 'unit' }));
  afterAll(() => model?.dispose());

  it('deletion curves and areas', async () => {
    const del = await deletionCurves(await open(), x, map, { target });
    expect(del.fraction).toEqual(meta.fractions);
    expectClose({ data: Float32Array.from(del.scores.flat()), shape: [2, del.fraction.length] }, rows('deletion'), 1e-4, 'deletion curves');
    expectClose({ data: Float32Array.from(del.auc), shape: [2] }, rows('deletion_auc'), 1e-4, 'deletion AUC');
  });

  it('insertion curves (11 x 11 Gaussian, sigma 5, zero-padded start) and areas', async () => {
    const ins = await insertionCurves(await open(), x, map, { target });
    expectClose({ data: Float32Array.from(ins.scores.flat()), shape: [2, ins.fraction.length] }, rows('insertion'), 1e-4, 'insertion curves');
    expectClose({ data: Float32Array.from(ins.auc), shape: [2] }, rows('insertion_auc'), 1e-4, 'insertion AUC');
  });

  it('cascading and independent randomization of gradient saliency', async () => {
    const m = await open();
    const r = await modelRandomization(m, x, async (mm, xs) => (await saliency(mm, xs, { target })).raw, { seed: meta.seed });
    expect(r.layers).toEqual(meta.layers);
    const cascading = rows('mprt_cascading');
    const independent = rows('mprt_independent');
    // float32 (onnxruntime) against float64 (PyTorch) maps: near-equal pixels may swap ranks.
    expectClose({ data: Float32Array.from(r.cascading.flat()), shape: cascading.shape }, cascading, 5e-3, 'cascading rank correlations');
    expectClose({ data: Float32Array.from(r.independent.flat()), shape: independent.shape }, independent, 5e-3, 'independent rank correlations');
    expect(r.insensitive).toBe(r.finalCorrelation > 0.5);
  });
});
