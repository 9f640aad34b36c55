/** Two optimizer steps against values computed by hand from PyTorch's update rules. */
import { describe, expect, it } from 'vitest';
import { createOptimizer } from '../../src/train/optimizers.js';

const closeTo = (values: number[]) => values.map((v) => expect.closeTo(v, 6));

describe('createOptimizer', () => {
  it('SGD with momentum and weight decay', () => {
    const w = Float32Array.of(1, -2);
    const opt = createOptimizer({ kind: 'sgd', lr: 0.1, momentum: 0.9, weightDecay: 0.01 }, [2]);
    // d = g + 0.01 w = [0.51, 0.23]; v = d; w -= 0.1 v
    opt.step([w], [Float32Array.of(0.5, 0.25)]);
    expect(Array.from(w)).toEqual(closeTo([0.949, -2.023]));
    // d = [-0.5 + 0.00949, 1 - 0.02023]; v = 0.9 [0.51, 0.23] + d = [-0.03151, 1.18677]
    opt.step([w], [Float32Array.of(-0.5, 1)]);
    expect(Array.from(w)).toEqual(closeTo([0.949 + 0.003151, -2.023 - 0.118677]));
  });

  it('plain SGD is w -= lr g', () => {
    const w = Float32Array.of(3);
    const opt = createOptimizer({ kind: 'sgd', lr: 0.5 }, [1]);
    opt.step([w], [Float32Array.of(2)]);
    opt.step([w], [Float32Array.of(2)]);
    expect(w[0]).toBe(1);
  });

  it('Adam with bias correction', () => {
    const w = Float32Array.of(1, -2);
    const opt = createOptimizer({ kind: 'adam', lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, [2]);
    // m = 0.1 g, v = 0.001 g²; corrected m / sqrt(v) = sign(g), so w moves by lr against g.
    opt.step([w], [Float32Array.of(0.5, -0.25)]);
    expect(Array.from(w)).toEqual(closeTo([0.9, -1.9]));
    // m = [-0.005, 0.0775], v = [0.00049975, 0.0010624375]; m̂ = m / 0.19, v̂ = v / 0.001999
    // w -= 0.1 m̂ / sqrt(v̂): [0.9 + 0.1 · 0.0263158 / 0.5, -1.9 - 0.1 · 0.4078947 / 0.7290298]
    opt.step([w], [Float32Array.of(-0.5, 1)]);
    expect(Array.from(w)).toEqual(closeTo([0.9052632, -1.9559504]));
  });

  it('updates several parameters independently', () => {
    const a = Float32Array.of(1);
    const b = Float32Array.of(1, 1);
    const opt = createOptimizer({ kind: 'adam', lr: 0.01 }, [1, 2]);
    opt.step([a, b], [Float32Array.of(1), Float32Array.of(-1, 0)]);
    expect(Array.from(a)).toEqual(closeTo([0.99]));
    expect(Array.from(b)).toEqual(closeTo([1.01, 1]));
  });

  it('rejects invalid hyperparameters', () => {
    expect(() => createOptimizer({ kind: 'sgd', lr: 0.1, momentum: 1 }, [1])).toThrow(/momentum must be a finite number in \[0, 1\)/);
    expect(() => createOptimizer({ kind: 'adam', lr: Number.NaN }, [1])).toThrow(/lr/);
  });
});
