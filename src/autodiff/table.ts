/**
 * The declarative table of VJP rules: op type -> rule. One small file per op family; a new
 * op is supported by adding its rule there and its finite-difference check in test/autodiff.
 */
import { reluRules } from './rules/relu.js';
import type { VjpEntry } from './vjp.js';

export const vjpRules: Readonly<Record<string, VjpEntry>> = {
  ...reluRules,
};

/** Op types convlens can differentiate. */
export const differentiableOps: ReadonlySet<string> = new Set(Object.keys(vjpRules));
