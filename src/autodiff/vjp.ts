/**
 * The vocabulary of vector-Jacobian product rules. A rule sees one forward node and the
 * gradients flowing into its outputs, and emits ONNX nodes (through a GraphBuilder) that
 * compute the gradients of its inputs. Forward tensors are referenced by name: the gradient
 * graph contains the forward graph, so a rule may read any input or output of its node.
 */
import type { OnnxNode } from '../onnx/types.js';
import type { GraphBuilder } from './builder.js';

/**
 * How gradients pass through ReLUs (Relu, and Clip with a lower bound of 0 such as ReLU6):
 * - `vanilla`: the true derivative, gy where the input was positive;
 * - `guided`: guided backpropagation, only positive gy where the input was positive;
 * - `deconvnet`: only positive gy, whatever the input was;
 * - `redirected`: for activation maximization, gy where the input was positive, and where it
 *   was not, positive gy too, for items whose vanilla gradient is zero everywhere (so an
 *   objective on dead units still gets a direction to climb).
 */
export type ReluRule = 'vanilla' | 'guided' | 'deconvnet' | 'redirected';

export interface VjpContext {
  readonly node: OnnxNode;
  readonly b: GraphBuilder;
  /** Gradient of each output of the node; undefined where no gradient flows. */
  readonly gy: readonly (string | undefined)[];
  /** Whether input `i` needs a gradient (rules skip work for the others). */
  needs(i: number): boolean;
  /** Static shape of a forward tensor. */
  shape(name: string): number[];
  /** Element type (DataType) of a forward tensor. */
  type(name: string): number;
  /** Values of a forward tensor known before running (initializers, folded constants). */
  constValue(name: string): number[] | undefined;
  readonly relu: ReluRule;
  readonly opset: number;
  /** Whether the kernels that run the graph produce MaxPool's Indices output. */
  readonly maxPoolIndices: boolean;
}

/**
 * Returns one gradient name per node input (undefined for inputs that get none). Rules
 * may assume that at least one output gradient is defined.
 */
export type VjpRule = (ctx: VjpContext) => (string | undefined)[];

export interface VjpEntry {
  rule: VjpRule;
  /**
   * Indices of the inputs a gradient can flow to (shapes, indices, axes and other integer
   * operands never carry one). Omitted: every input.
   */
  differentiable?: readonly number[];
}

/** The op's input `i`, or undefined when absent (optional inputs may be '' or missing). */
export function optionalInput(node: OnnxNode, i: number): string | undefined {
  const name = node.inputs[i];
  return name ? name : undefined;
}
