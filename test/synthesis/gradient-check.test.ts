/**
 * The gradient of the synthesis objective with respect to the parameter (Fourier and pixels,
 * through every transformation, the model's normalization and the regularizers) against
 * central finite differences along random directions.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ConvlensModel } from '../../src/engine/model.js';
import { seededNormal, seededUint32 } from '../../src/numeric/seeded-random.js';
import { smoothShapesModel } from './shapes-variants.js';
import { resolveObjective } from '../../src/synthesis/objectives.js';
import { SynthesisStep } from '../../src/synthesis/synthesis-step.js';
import { drawTransforms, standardTransforms } from '../../src/synthesis/transforms.js';

let model: ConvlensModel;
const open = async () => (model ??= await smoothShapesModel());
afterAll(() => model?.dispose());

/**
 * Central differences of J = sum of objectives - penalty along `d`, against <gradient, d>. J
 * comes back from onnxruntime in float32, so the difference carries about 4 ulp(J) / eps of
 * rounding, which the tolerance includes.
 */
async function directional(step: SynthesisStep, param: Float32Array, d: Float32Array, draws: Parameters<SynthesisStep['evaluate']>[1], reg: object, eps: number) {
  const at = async (eps: number) => {
    const e = await step.evaluate(param.map((v, i) => v + eps * d[i]), draws, reg);
    return e.values.reduce((a, b) => a + b, 0) - e.penalty;
  };
  const e = await step.evaluate(param, draws, reg);
  const analytic = e.gradient.reduce((s, g, i) => s + g * d[i], 0);
  const numeric = ((await at(eps)) - (await at(-eps))) / (2 * eps);
  const rounding = (4 * Math.abs(await at(0)) * 2 ** -23) / eps;
  return { analytic, numeric, rounding, gradient: e.gradient };
}

describe.each(['fft', 'pixels'] as const)('synthesis gradient, %s parameterization', (kind) => {
  it.each([
    ['channel:features.4:5', {}],
    ['class:star+0.5*layer:features.7', { l1: 0.3, l2: 0.5, tv: 0.2 }],
    ['prob:2+neuron:features.7:68:1:6+direction:features.4:1,0,0,0,0,0,0,0,-1,0,0,0,0,0,0,2,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,3+3*diversity:features.7', {}],
  ])('matches finite differences through the standard transforms: %s', async (objective, reg) => {
    const m = await open();
    const terms = resolveObjective(m, objective);
    const step = await SynthesisStep.open(m, terms, kind, [2, 3, 32, 32]);
    try {
      const param = step.param.noise(3).map((v) => v * 20);
      // Transformations large enough at 32 px to move every pixel: the 224-px amounts, not scaled down.
      const draws = drawTransforms(seededUint32(5), 2, { ...standardTransforms, degrees: [7, -9] }, [224, 224]);
      // A random direction, and the gradient's own direction scaled to the same length (where
      // the function changes fastest, so a smaller step keeps the curvature out).
      const normal = seededNormal(1);
      const random = Float32Array.from(param, () => normal());
      const first = await directional(step, param, random, draws, reg, 1e-2);
      const scale = Math.hypot(...random) / Math.hypot(...first.gradient);
      const second = await directional(step, param, first.gradient.map((g) => g * scale), draws, reg, 1e-3);
      for (const { analytic, numeric, rounding } of [first, second]) {
        expect(Math.abs(analytic)).toBeGreaterThan(10 * rounding);
        expect(Math.abs(analytic - numeric)).toBeLessThan(2e-2 * Math.abs(analytic) + rounding);
      }
    } finally {
      await step.release();
    }
  });
});
