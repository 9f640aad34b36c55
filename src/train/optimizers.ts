/**
 * Optimizers over Float32Array parameters, with PyTorch's update rules (torch.optim.SGD and
 * torch.optim.Adam), so hyperparameters carry over from PyTorch recipes. State is float32,
 * as PyTorch keeps it; each update is computed in double and rounded once on store.
 */
import { ConvlensError } from '../errors.js';

export interface SgdSpec {
  kind: 'sgd';
  lr: number;
  /** Default 0 (plain gradient descent). */
  momentum?: number;
  /** L2 penalty added to the gradient. Default 0. */
  weightDecay?: number;
}

export interface AdamSpec {
  kind: 'adam';
  lr: number;
  /** Defaults 0.9, 0.999 and 1e-8, as PyTorch. */
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** L2 penalty added to the gradient (Adam, not AdamW). Default 0. */
  weightDecay?: number;
}

export type OptimizerSpec = SgdSpec | AdamSpec;

export interface Optimizer {
  /** Updates every parameter in place from its gradient. */
  step(params: Float32Array[], gradients: Float32Array[]): void;
}

function checkRate(name: string, v: number, max = Infinity): void {
  if (!Number.isFinite(v) || v < 0 || v >= max) {
    throw new ConvlensError('BAD_OPTION', `Optimizer option ${name} must be a finite number in [0, ${max}), got ${v}.`);
  }
}

/**
 * An optimizer for parameters of the given element counts.
 *
 * SGD: g = grad + wd·w; v = μ·v + g; w -= lr·v.
 * Adam: g = grad + wd·w; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²;
 * w -= lr/(1−β1^t) · m / (√v/√(1−β2^t) + eps).
 *
 * @example
 * const opt = createOptimizer({ kind: 'adam', lr: 1e-3 }, [w.length]);
 * opt.step([w], [dw]);
 */
export function createOptimizer(spec: OptimizerSpec, sizes: number[]): Optimizer {
  checkRate('lr', spec.lr);
  const weightDecay = spec.weightDecay ?? 0;
  checkRate('weightDecay', weightDecay);
  const state = () => sizes.map((n) => new Float32Array(n));
  const decayed = (g: number, w: number) => (weightDecay === 0 ? g : g + weightDecay * w);
  if (spec.kind === 'sgd') {
    const momentum = spec.momentum ?? 0;
    checkRate('momentum', momentum, 1);
    const velocity = state();
    return {
      step(params, gradients) {
        params.forEach((w, p) => {
          const g = gradients[p];
          const v = velocity[p];
          for (let i = 0; i < w.length; i++) {
            v[i] = momentum * v[i] + decayed(g[i], w[i]);
            w[i] -= spec.lr * v[i];
          }
        });
      },
    };
  }
  if (spec.kind !== 'adam') throw new ConvlensError('BAD_OPTION', `Unknown optimizer "${(spec as { kind: string }).kind}"; use 'sgd' or 'adam'.`);
  const { beta1 = 0.9, beta2 = 0.999, eps = 1e-8 } = spec;
  checkRate('beta1', beta1, 1);
  checkRate('beta2', beta2, 1);
  checkRate('eps', eps);
  const first = state();
  const second = state();
  let t = 0;
  return {
    step(params, gradients) {
      t++;
      const stepSize = spec.lr / (1 - beta1 ** t);
      const correction2 = Math.sqrt(1 - beta2 ** t);
      params.forEach((w, p) => {
        const g = gradients[p];
        const m = first[p];
        const v = second[p];
        for (let i = 0; i < w.length; i++) {
          const gi = decayed(g[i], w[i]);
          m[i] = beta1 * m[i] + (1 - beta1) * gi;
          v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
          w[i] -= (stepSize * m[i]) / (Math.sqrt(v[i]) / correction2 + eps);
        }
      });
    },
  };
}
