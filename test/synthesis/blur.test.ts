/**
 * The periodic blur regularizer: in the Fourier parameterization, scaling the spectrum by the
 * Gaussian's transfer function is a circular Gaussian blur of the image before its sigmoid,
 * checked against a brute-force circular convolution.
 */
import { describe, expect, it } from 'vitest';
import { seededNormal } from '../../src/numeric/seeded-random.js';
import { nodeRuntime } from '../../src/node/runtime.js';
import { ImageParameterization } from '../../src/synthesis/parameterization.js';

const logit = (v: number) => Math.log(v / (1 - v));

describe('blur of the Fourier parameterization', () => {
  it('equals a circular Gaussian blur of the pre-sigmoid image', async () => {
    const [H, W, sigma] = [16, 20, 1.5];
    const p = await ImageParameterization.open('fft', [1, 1, H, W], nodeRuntime);
    try {
      const normal = seededNormal(8);
      const param = Float32Array.from({ length: p.shape.reduce((a, b) => a * b, 1) }, () => 0.1 * normal());
      const before = (await p.image(param)).data.map(logit);
      const after = (await p.image(p.blur(param, sigma))).data.map(logit);
      // Periodic Gaussian weights over every circular offset.
      const g = (d: number, n: number) => [-2, -1, 0, 1, 2].reduce((s, m) => s + Math.exp(-((d + m * n) ** 2) / (2 * sigma * sigma)), 0);
      let total = 0;
      for (let dy = 0; dy < H; dy++) for (let dx = 0; dx < W; dx++) total += g(dy, H) * g(dx, W);
      let worst = 0;
      let scale = 0;
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          let s = 0;
          for (let yy = 0; yy < H; yy++) for (let xx = 0; xx < W; xx++) s += g(y - yy, H) * g(x - xx, W) * before[yy * W + xx];
          worst = Math.max(worst, Math.abs(s / total - after[y * W + x]));
          scale = Math.max(scale, Math.abs(before[y * W + x]));
        }
      }
      expect(scale).toBeGreaterThan(0.1);
      expect(worst).toBeLessThan(2e-3 * scale);
      // The blur changed the image far more than that.
      expect(Math.max(...after.map((v, i) => Math.abs(v - before[i])))).toBeGreaterThan(0.1 * scale);
    } finally {
      await p.release();
    }
  });
});
