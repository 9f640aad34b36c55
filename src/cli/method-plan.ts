/**
 * Which of the chosen methods can run on a model, decided before anything is computed. A
 * method that does not fit the model (CAM without a global-pool-then-linear head, a CAM
 * method on a model without spatial layers, gradients through an op without a rule) is set
 * aside with its reason; a mistake in the options (an unknown layer or class) stops the
 * command, since it would fail every method alike.
 */
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError, type ConvlensErrorCode } from '../errors.js';
import { checkMethod } from '../methods/method-checks.js';
import type { MethodEntry, MethodOptions } from '../methods/registry.js';

export interface SkippedMethod {
  method: MethodEntry;
  reason: ConvlensError;
}

export interface MethodPlan {
  runnable: MethodEntry[];
  skipped: SkippedMethod[];
}

/** Errors that say a method does not fit this model, whatever the options. */
const doesNotFit: ReadonlySet<ConvlensErrorCode> = new Set(['NO_CAM_HEAD', 'NOT_DIFFERENTIABLE']);

/**
 * Whether `error` means the method does not apply to the model rather than a mistake.
 * `NO_SPATIAL_OUTPUT` counts only for the default layer: a --layer the user named that has
 * no spatial output is a mistake to correct.
 */
export function methodDoesNotFit(error: unknown, options: MethodOptions): error is ConvlensError {
  if (!(error instanceof ConvlensError)) return false;
  return doesNotFit.has(error.code) || (error.code === 'NO_SPATIAL_OUTPUT' && options.layer === undefined);
}

/**
 * Checks every method against the model; throws the first mistake, or a `BAD_OPTION` when
 * no method fits at all (naming each reason).
 *
 * @example
 * const { runnable, skipped } = planMethods(model, methods, options);
 */
export function planMethods(model: ConvlensModel, methods: readonly MethodEntry[], options: MethodOptions): MethodPlan {
  const plan: MethodPlan = { runnable: [], skipped: [] };
  for (const method of methods) {
    try {
      checkMethod(method, model, options);
      plan.runnable.push(method);
    } catch (e) {
      if (!methodDoesNotFit(e, options)) throw e;
      plan.skipped.push({ method, reason: e });
    }
  }
  if (plan.runnable.length === 0) {
    const reasons = plan.skipped.map((s) => `${s.method.name}: ${s.reason.message}`).join(' ');
    throw new ConvlensError(plan.skipped[0].reason.code, `None of the chosen methods applies to this model. ${reasons}`);
  }
  return plan;
}

/** "skipped cam (NO_CAM_HEAD): ..." for the command's output. */
export const skippedLine = (s: SkippedMethod, model?: string) => `skipped ${s.method.name}${model ? ` on ${model}` : ''} (${s.reason.code}): ${s.reason.message}`;
