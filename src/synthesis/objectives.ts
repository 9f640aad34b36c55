/**
 * What a synthesized image should excite: class scores, channels, single neurons, a whole
 * layer, a direction in a layer's channel space, and a diversity term over the batch. Terms
 * add up with weights; each becomes a few ONNX nodes after the layer it reads, so the
 * objective is differentiated by the same compiler as the model.
 */
import type { GraphBuilder } from '../autodiff/builder.js';
import type { ConvlensModel } from '../engine/model.js';
import { ConvlensError } from '../errors.js';
import { classIndex } from '../methods/targets.js';

/** What a class term raises: the logit (default), the softmax probability, or its logarithm. */
export type ClassScore = 'logit' | 'probability' | 'log-probability';

const scorePrefixes: Record<string, ClassScore> = { class: 'logit', prob: 'probability', logprob: 'log-probability' };

/** One term of an objective; `weight` defaults to 1. */
export type ObjectiveTerm =
  | { kind: 'class'; class: number | string; score?: ClassScore; weight?: number }
  | { kind: 'channel'; layer: string; channel: number; weight?: number }
  | { kind: 'neuron'; layer: string; channel: number; y?: number; x?: number; weight?: number }
  | { kind: 'layer'; layer: string; weight?: number }
  | { kind: 'direction'; layer: string; vector: number[]; weight?: number }
  | { kind: 'diversity'; layer: string; weight?: number };

/**
 * An objective: a term, a list of terms (summed), or a string such as `class:207`,
 * `prob:tabby`, `logprob:3`, `channel:layer4:25`, `neuron:layer4:25:3:3`, `layer:layer3`,
 * `direction:layer4:0.5,-1,0,...`, `diversity:layer4`, joined with `+` and optionally
 * weighted (`channel:layer4:25+100*diversity:layer4`).
 */
export type Objective = string | ObjectiveTerm | ObjectiveTerm[];

/** A term bound to a tensor of the model, with its indices checked. */
export interface ResolvedTerm {
  kind: ObjectiveTerm['kind'];
  tensor: string;
  weight: number;
  /** `[C, ...spatial]` of one item of the tensor. */
  itemShape: number[];
  /** Per-item weighting of the tensor (linear terms), `[C, ...spatial]` broadcastable. */
  mask?: { values: Float32Array; dims: number[] };
  score?: ClassScore;
  /** The class of a class term. */
  classIndex?: number;
}

const bad = (message: string) => new ConvlensError('BAD_TARGET', message);

function integer(text: string, what: string): number {
  if (!/^-?\d+$/.test(text)) throw bad(`${what} must be an integer, got "${text}".`);
  return Number(text);
}

/** Parses one `kind:...` string term (without its weight). */
function parseTerm(text: string): ObjectiveTerm {
  const parts = text.split(':');
  const kind = parts[0];
  const rest = parts.slice(1);
  const numericTail = (n: number) => rest.length > n && rest.slice(-n).every((p) => /^-?\d+$/.test(p));
  switch (kind) {
    case 'class':
    case 'prob':
    case 'logprob':
      if (rest.length === 0) throw bad(`"${text}" needs a class: ${kind}:207 or ${kind}:NAME.`);
      return { kind: 'class', class: /^\d+$/.test(rest.join(':')) ? Number(rest.join(':')) : rest.join(':'), score: scorePrefixes[kind] };
    case 'channel':
      if (!numericTail(1)) throw bad(`"${text}" needs a layer and a channel index: channel:LAYER:INDEX.`);
      return { kind: 'channel', layer: rest.slice(0, -1).join(':'), channel: integer(rest[rest.length - 1], 'The channel') };
    case 'neuron': {
      const n = numericTail(3) ? 3 : numericTail(1) ? 1 : 0;
      if (n === 0) throw bad(`"${text}" needs a layer and a channel: neuron:LAYER:CHANNEL[:Y:X].`);
      const [channel, y, x] = rest.slice(-n).map((p) => integer(p, 'A neuron index'));
      return { kind: 'neuron', layer: rest.slice(0, -n).join(':'), channel, y, x };
    }
    case 'layer':
    case 'diversity':
      if (rest.length === 0) throw bad(`"${text}" needs a layer: ${kind}:LAYER.`);
      return { kind, layer: rest.join(':') };
    case 'direction': {
      const vector = (rest.pop() ?? '').split(',').map(Number);
      if (rest.length === 0 || vector.some((v) => !Number.isFinite(v))) throw bad(`"${text}" needs a layer and a vector: direction:LAYER:v1,v2,...`);
      return { kind: 'direction', layer: rest.join(':'), vector };
    }
    default:
      throw bad(`Unknown objective "${text}"; use class:, prob:, logprob:, channel:, neuron:, layer:, direction: or diversity:.`);
  }
}

/**
 * Reads an objective given as a string, a term or a list of terms.
 *
 * @example
 * parseObjective('channel:layer4:25+100*diversity:layer4');
 * // [{ kind: 'channel', layer: 'layer4', channel: 25 }, { kind: 'diversity', layer: 'layer4', weight: 100 }]
 */
export function parseObjective(objective: Objective): ObjectiveTerm[] {
  if (Array.isArray(objective)) {
    if (objective.length === 0) throw bad('The objective has no terms; give at least one, e.g. class:0.');
    return objective;
  }
  if (typeof objective === 'object' && objective !== null) return [objective];
  if (typeof objective !== 'string' || objective.trim() === '') throw bad(`An objective is needed, such as class:207 or channel:layer4:25; got ${JSON.stringify(objective)}.`);
  return objective.split('+').map((part) => {
    const m = /^\s*(-?[\d.]+(?:e-?\d+)?)\s*\*\s*(.+)$/i.exec(part);
    const term = parseTerm((m ? m[2] : part).trim());
    if (!m) return term;
    const weight = Number(m[1]);
    if (!Number.isFinite(weight)) throw bad(`The weight "${m[1]}" in "${part}" is not a number.`);
    return { ...term, weight };
  });
}

function checkIndex(value: number, size: number, what: string, layer: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= size) {
    throw bad(`${what} ${value} is out of range for layer "${layer}": valid values are 0 to ${size - 1}.`);
  }
}

function oneHot(length: number, index: number): Float32Array {
  const v = new Float32Array(length);
  v[index] = 1;
  return v;
}

/**
 * Binds each term to a model tensor and checks its indices against the tensor's shape at
 * the given input size: `UNKNOWN_LAYER` for a layer the model lacks, `BAD_TARGET` with the
 * valid range for an index outside it.
 */
export function resolveObjective(model: ConvlensModel, objective: Objective, itemShape: number[] = model.itemShape): ResolvedTerm[] {
  const terms = parseObjective(objective);
  const info = model.shapeInfo(itemShape);
  return terms.map((term) => {
    const weight = term.weight ?? 1;
    if (!Number.isFinite(weight)) throw bad(`The weight of a ${term.kind} term must be a finite number, got ${String(term.weight)}.`);
    const tensor = term.kind === 'class' ? model.outputName : model.resolveLayer(term.layer);
    const shape = info.shapes.get(tensor)!.slice(1);
    const size = shape.reduce((a, b) => a * b, 1);
    const layer = term.kind === 'class' ? 'output' : term.layer;
    if (term.kind !== 'class' && shape.length < 1) throw bad(`Layer "${layer}" has no channel dimension.`);
    const [C, ...spatial] = shape;
    const plane = spatial.reduce((a, b) => a * b, 1);
    const channelDims = [C, ...spatial.map(() => 1)];
    switch (term.kind) {
      case 'class': {
        const k = classIndex(term.class, size, model.labels);
        return { kind: term.kind, tensor, weight, itemShape: shape, score: term.score ?? 'logit', classIndex: k, mask: { values: oneHot(size, k), dims: shape } };
      }
      case 'channel': {
        checkIndex(term.channel, C, 'Channel', layer);
        return { kind: term.kind, tensor, weight, itemShape: shape, mask: { values: oneHot(C, term.channel).map((v) => v / plane), dims: channelDims } };
      }
      case 'neuron': {
        checkIndex(term.channel, C, 'Channel', layer);
        const pos = spatial.map((d, i) => {
          const given = [term.y, term.x][i];
          if (given === undefined) return Math.floor(d / 2);
          checkIndex(given, d, i === 0 ? 'Row' : 'Column', layer);
          return given;
        });
        const flat = pos.reduce((acc, p, i) => acc * spatial[i] + p, term.channel);
        return { kind: term.kind, tensor, weight, itemShape: shape, mask: { values: oneHot(size, flat), dims: shape } };
      }
      case 'direction': {
        if (term.vector.length !== C) throw bad(`A direction in layer "${layer}" needs ${C} values (one per channel), got ${term.vector.length}.`);
        const norm = Math.hypot(...term.vector);
        if (!(norm > 0)) throw bad('A direction vector must not be all zeros.');
        return { kind: term.kind, tensor, weight, itemShape: shape, mask: { values: Float32Array.from(term.vector, (v) => v / norm / plane), dims: channelDims } };
      }
      case 'layer':
      case 'diversity':
        if (term.kind === 'diversity' && spatial.length === 0) throw bad(`Diversity needs a layer with spatial dims; "${layer}" has shape [${shape.join(', ')}].`);
        return { kind: term.kind, tensor, weight, itemShape: shape };
    }
  });
}

const allAxes = (rank: number) => Array.from({ length: rank - 1 }, (_, i) => i + 1);

/**
 * Lucid-style diversity penalty, negated: for each item, minus the mean cosine similarity of
 * its channel Gram matrix with those of the other items of the batch.
 */
function diversityNodes(b: GraphBuilder, tensor: string, batch: number, shape: number[]): string {
  const [C, ...spatial] = shape;
  const plane = spatial.reduce((a, v) => a * v, 1);
  const flat = b.reshape(tensor, [batch, C, plane]);
  const gram = b.reshape(b.op('MatMul', [flat, b.transpose(flat, [0, 2, 1])]), [batch, C * C]);
  const norm = b.op('Sqrt', [b.op('Add', [b.reduceSum(b.op('Mul', [gram, gram]), [1], true), b.scalarF(1e-10)])]);
  const unit = b.op('Div', [gram, norm]);
  const sims = b.op('MatMul', [unit, b.transpose(unit, [1, 0])]);
  // Off-diagonal entries only: an item is always similar to itself.
  const offDiagonal = Float32Array.from({ length: batch * batch }, (_, i) => (i % (batch + 1) === 0 ? 0 : -1 / batch));
  return b.reduceSum(b.op('Mul', [sims, b.constF(offDiagonal, [batch, batch])]), [1], false);
}

/** Emits the nodes of the objective: one value per batch item, `[B]`. */
export function objectiveNodes(b: GraphBuilder, terms: ResolvedTerm[], batch: number): string {
  const values = terms.map((t) => {
    const rank = t.itemShape.length + 1;
    let v: string;
    if (t.kind === 'layer') {
      v = b.reduceMean(b.op('Mul', [t.tensor, t.tensor]), allAxes(rank), false);
    } else if (t.kind === 'diversity') {
      v = diversityNodes(b, t.tensor, batch, t.itemShape);
    } else {
      const source = t.score === 'probability' ? b.op('Softmax', [t.tensor], { axis: 1 })
        : t.score === 'log-probability' ? b.op('LogSoftmax', [t.tensor], { axis: 1 }) : t.tensor;
      v = b.reduceSum(b.op('Mul', [source, b.constF(t.mask!.values, [1, ...t.mask!.dims])]), allAxes(rank), false);
    }
    return t.weight === 1 ? v : b.op('Mul', [v, b.scalarF(t.weight)]);
  });
  return b.sum(values);
}

/** Batch items couple only through diversity terms; those need the whole batch in one run. */
export const couplesBatch = (terms: ResolvedTerm[]) => terms.some((t) => t.kind === 'diversity');
