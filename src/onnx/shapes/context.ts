/** The view a shape rule gets of one node: its input facts, attributes and a way to fail clearly. */
import { ConvlensError } from '../../errors.js';
import { attrFloat, attrFloats, attrInt, attrInts, attrString, attrTensor } from '../attributes.js';
import type { Attribute, OnnxNode, Tensor } from '../types.js';
import { formatDims } from './dims.js';
import type { TensorFacts } from './types.js';

const RUNTIME_HINT =
  'convlens needs every shape fixed before it builds graphs: re-export the model with static input shapes '
  + '(or simplify it, e.g. with onnx-simplifier) so this value becomes a constant.';

export class NodeContext {
  constructor(
    readonly node: OnnxNode,
    readonly opset: number,
    private readonly known: ReadonlyMap<string, TensorFacts>,
    private readonly label: string,
  ) {}

  get op(): string {
    return this.node.opType;
  }

  /** Whether optional input `i` is wired (ONNX marks skipped optional inputs with ''). */
  has(i: number): boolean {
    const name = this.node.inputs[i];
    return name !== undefined && name !== '';
  }

  facts(i: number): TensorFacts {
    if (!this.has(i)) this.fail(`required input ${i} is missing`, 'The model is malformed; export it again.');
    const name = this.node.inputs[i];
    const f = this.known.get(name);
    if (!f) {
      this.fail(`input "${name}" is neither a graph input, an initializer nor the output of an earlier node`,
        'The model is malformed; check it with onnx.checker and export it again.');
    }
    return f;
  }

  shape(i: number): number[] {
    return this.facts(i).shape;
  }

  type(i: number): number {
    return this.facts(i).type;
  }

  value(i: number): number[] | undefined {
    return this.has(i) ? this.facts(i).value : undefined;
  }

  /** The folded value of input `i`, or a clear error when it is only known at run time. */
  constant(i: number, what: string): number[] {
    const v = this.value(i);
    if (v === undefined) {
      this.fail(`its ${what} (input ${i}, "${this.node.inputs[i] ?? ''}") depends on data computed at run time`, RUNTIME_HINT);
    }
    return v;
  }

  /** An optional list-valued input (opset ≥ N) or, in older opsets, the attribute it replaced. */
  listInputOrAttr(i: number, attr: string, what: string): number[] | undefined {
    if (this.has(i)) return this.constant(i, what);
    return this.ints(attr);
  }

  attr(name: string): Attribute | undefined {
    return this.node.attributes[name];
  }

  int(name: string, dflt: number): number {
    return attrInt(this.node, name, dflt, this.badAttr);
  }

  ints(name: string): number[] | undefined {
    return attrInts(this.node, name, this.badAttr);
  }

  float(name: string, dflt: number): number {
    return attrFloat(this.node, name, dflt, this.badAttr);
  }

  floats(name: string): number[] | undefined {
    return attrFloats(this.node, name, this.badAttr);
  }

  string(name: string, dflt: string): string {
    return attrString(this.node, name, dflt, this.badAttr);
  }

  tensor(name: string): Tensor | undefined {
    return attrTensor(this.node, name, this.badAttr);
  }

  /** Maps a possibly negative axis into [0, rank). */
  axis(axis: number, rank: number, what = 'axis'): number {
    const a = axis < 0 ? axis + rank : axis;
    if (!Number.isInteger(a) || a < 0 || a >= rank) {
      this.fail(`${what} ${axis} is out of range for a tensor of rank ${rank}`, 'The model is malformed; export it again.');
    }
    return a;
  }

  /** Normalized, duplicate-free axes. */
  axes(axes: readonly number[], rank: number, what = 'axes'): number[] {
    const out = axes.map((a) => this.axis(a, rank, what));
    if (new Set(out).size !== out.length) this.fail(`${what} [${axes.join(', ')}] repeat an axis`, 'The model is malformed; export it again.');
    return out;
  }

  requireRank(i: number, min: number, what: string): number[] {
    const s = this.shape(i);
    if (s.length < min) this.fail(`${what} must have rank ≥ ${min} but has shape ${formatDims(s)}`, 'Check the input shapes you pinned.');
    return s;
  }

  fail(detail: string, hint = 'Check the input shapes you pinned; if they are right, the model is malformed.'): never {
    throw new ConvlensError('SHAPE_INFERENCE', `Cannot infer shapes at node "${this.label}" (${this.op}): ${detail}. ${hint}`);
  }

  /** Reports an attribute of the wrong kind as this node's shape inference error. */
  readonly badAttr = (name: string, a: Attribute, expected: string): never =>
    this.fail(`attribute "${name}" should be ${expected} but is a ${a.kind}`, 'The model is malformed; export it again.');

  /** Reports a malformed window attribute as this node's shape inference error. */
  readonly malformed = (detail: string): never => this.fail(detail, 'The model is malformed; export it again.');
}
