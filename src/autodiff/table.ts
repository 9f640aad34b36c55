/**
 * The declarative table of VJP rules: op type -> rule. One small file per op family; a new
 * op is supported by adding its rule there and its finite-difference check in test/autodiff.
 */
import { activationRules } from './rules/activation.js';
import { arithmeticRules } from './rules/arithmetic.js';
import { convRules } from './rules/conv.js';
import { layoutRules } from './rules/layout.js';
import { linearRules } from './rules/linear.js';
import { normalizationRules } from './rules/normalization.js';
import { padRules } from './rules/pad.js';
import { poolRules } from './rules/pool.js';
import { reduceRules } from './rules/reduce.js';
import { reluRules } from './rules/relu.js';
import type { VjpEntry } from './vjp.js';

export const vjpRules: Readonly<Record<string, VjpEntry>> = {
  ...reluRules,
  ...arithmeticRules,
  ...activationRules,
  ...linearRules,
  ...layoutRules,
  ...reduceRules,
  ...convRules,
  ...poolRules,
  ...normalizationRules,
  ...padRules,
};

/** Op types convlens can differentiate. */
export const differentiableOps: ReadonlySet<string> = new Set(Object.keys(vjpRules));
