/** Internal vocabulary shared by the shape-inference driver and its per-op rules. */
import type { NodeContext } from './context.js';

/** What inference knows about one tensor; `value` only when it is a small compile-time constant. */
export interface TensorFacts {
  shape: number[];
  type: number;
  value?: number[];
}

/** Computes the facts for every output of one node (entries for absent optional outputs are ignored). */
export type ShapeRule = (ctx: NodeContext) => TensorFacts[];

export type RuleTable = Readonly<Record<string, ShapeRule>>;

/**
 * Folded values stay small: they exist to resolve shape arithmetic, and copying large
 * tensors into number arrays would cost memory without ever informing a shape.
 */
export const MAX_FOLDED_ELEMENTS = 1024;
