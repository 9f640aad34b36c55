/**
 * Ascent steps on a parameter vector: Adam (the Distill recipe's choice) and plain gradient
 * ascent. Both keep their state in Float64 so a run is the same on every platform.
 */
export type OptimizerName = 'adam' | 'ascent';

export interface Optimizer {
  /** Moves `param` up the gradient, in place. */
  step(param: Float32Array, grad: Float32Array): void;
}

/**
 * Adam with the usual moments (0.9, 0.999) and epsilon 1e-8.
 *
 * @example
 * const opt = adam(param.length, 0.05);
 * opt.step(param, grad);
 */
export function adam(size: number, lr: number, beta1 = 0.9, beta2 = 0.999, eps = 1e-8): Optimizer {
  const m = new Float64Array(size);
  const v = new Float64Array(size);
  let t = 0;
  return {
    step(param, grad) {
      t += 1;
      const c1 = 1 - beta1 ** t, c2 = 1 - beta2 ** t;
      for (let i = 0; i < size; i++) {
        const g = grad[i];
        m[i] = beta1 * m[i] + (1 - beta1) * g;
        v[i] = beta2 * v[i] + (1 - beta2) * g * g;
        param[i] += (lr * (m[i] / c1)) / (Math.sqrt(v[i] / c2) + eps);
      }
    },
  };
}

/** Plain gradient ascent: `param += lr * grad`. */
export function ascent(lr: number): Optimizer {
  return {
    step(param, grad) {
      for (let i = 0; i < param.length; i++) param[i] += lr * grad[i];
    },
  };
}
