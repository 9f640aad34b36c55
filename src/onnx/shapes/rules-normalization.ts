/** Normalization ops whose optional extra outputs (statistics) have shapes of their own. */
import type { NodeContext } from './context.js';
import { DataType } from '../types.js';
import type { RuleTable, ShapeRule } from './types.js';

const batchNormalization: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.requireRank(0, 2, 'the input');
  const type = ctx.type(0);
  // Training-mode outputs (running or saved mean/variance) are per channel; which ones exist depends on the opset.
  const stats = { shape: [x[1]], type: ctx.has(3) ? ctx.type(3) : type };
  return [{ shape: x, type }, stats, stats, stats, stats];
};

const layerNormalization: ShapeRule = (ctx: NodeContext) => {
  const x = ctx.shape(0);
  const axis = ctx.axis(ctx.int('axis', -1), x.length);
  const stats = { shape: x.map((d, i) => (i < axis ? d : 1)), type: ctx.int('stash_type', DataType.FLOAT) };
  return [{ shape: x, type: ctx.type(0) }, stats, stats];
};

export const normalizationRules: RuleTable = {
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
};
