/**
 * The gradient of the synthesis objective with respect to the parameter (Fourier and pixels,
 * through every transformation, the model's normalization and the regularizers) against
 * central finite differences along random directions.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { seededNormal, seededUint32 } from '../../src/methods/seeded-random.js';
import { smoothShapesModel } from './shapes-variants.js';
import { resolveObjective } from '../../src/synthesis/objectives.js';
import { SynthesisStep } from '../../src/synthesis/synthesis-step.js';
import { drawTransforms, standardTransforms } from '../../src/synthesis/transforms.js';

let model: ConvlensModel;
const open = async () => (model ??= await smoothShapesModel());
afterAll(() => model?.dispose());

async function directional(step: SynthesisStep, param: Float32Array, seed: number, draws: Parameters<SynthesisStep['evaluate']>[1], reg: object) {
  const normal = seededNormal(seed);
  const d = Float32Array.from(param, () => normal());
  const at = async (eps: number) => {
    const p = param.map((v, i) => v + eps * d[i]);
    const e = await step.evaluate(p, draws, reg);
    return e.values.reduce((a, b) => a + b, 0) - e.penalty;
  };
  const e = await step.evaluate(param, draws, reg);
  const analytic = e.gradient.reduce((s, g, i) => s + g * d[i], 0);
  const eps = 1e-2;
  const numeric = ((await at(eps)) - (await at(-eps))) / (2 * eps);
  return { analytic, numeric };
}

describe.each(['fft', 'pixels'] as const)('synthesis gradient, %s parameterization', (kind) => {
  it.each([
    ['channel:features.4:5', {}],
    ['class:star+0.5*layer:features.7', { l1: 0.3, l2: 0.5, tv: 0.2 }],
    ['prob:2+neuron:features.7:3:1:6+direction:features.4:1,0,0,0,0,0,0,0,-1,0,0,0,0,0,0,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,3+30*diversity:features.7', {}],
  ])('matches finite differences through the standard transforms: %s', async (objective, reg) => {
    const m = await open();
    const terms = resolveObjective(m, objective);
    const step = await SynthesisStep.open(m, terms, kind, [2, 3, 32, 32]);
    try {
      const param = step.param.noise(3).map((v) => v * 20);
      // Transformations large enough at 32 px to move every pixel: the 224-px amounts, not scaled down.
      const draws = drawTransforms(seededUint32(5), 2, { ...standardTransforms, degrees: [7, -9] }, [224, 224]);
      for (const seed of [1, 2]) {
        const { analytic, numeric } = await directional(step, param, seed, draws, reg);
        expect(Math.abs(analytic)).toBeGreaterThan(1e-4);
        expect(Math.abs(analytic - numeric)).toBeLessThan(2e-2 * Math.abs(analytic) + 1e-4);
      }
    } finally {
      await step.release();
    }
  });
});
