/**
 * Reading ONNX node attributes with the defaults the spec gives. Shape inference and the
 * gradient rules read nodes through these same functions; an attribute of the wrong kind is
 * reported through `bad`, so shape inference can name the node in its own error.
 */
import { ConvlensError } from '../errors.js';
import type { Attribute, OnnxNode, Tensor } from './types.js';

/** Reports an attribute of the wrong kind (the model is malformed). */
export type BadAttribute = (name: string, attribute: Attribute, expected: string) => never;

function malformed(node: OnnxNode): BadAttribute {
  return (name, a, expected) => {
    throw new ConvlensError('MODEL_UNREADABLE',
      `Attribute "${name}" of node "${node.name}" (${node.opType}) should be ${expected} but is a ${a.kind}. The model is malformed; export it again.`);
  };
}

/**
 * An integer attribute (a float one is truncated), or `fallback` when absent.
 *
 * @example
 * const group = attrInt(node, 'group', 1);
 */
export function attrInt(node: OnnxNode, name: string, fallback: number, bad = malformed(node)): number {
  const a = node.attributes[name];
  if (a === undefined) return fallback;
  if (a.kind === 'int') return a.value;
  if (a.kind === 'float') return Math.trunc(a.value);
  return bad(name, a, 'an integer');
}

/** A list-of-integers attribute (a single integer is a list of one), or undefined when absent. */
export function attrInts(node: OnnxNode, name: string, bad = malformed(node)): number[] | undefined {
  const a = node.attributes[name];
  if (a === undefined) return undefined;
  if (a.kind === 'ints') return a.value;
  if (a.kind === 'int') return [a.value];
  return bad(name, a, 'a list of integers');
}

/** A float attribute (an integer one is read as a float), or `fallback` when absent. */
export function attrFloat(node: OnnxNode, name: string, fallback: number, bad = malformed(node)): number {
  const a = node.attributes[name];
  if (a === undefined) return fallback;
  if (a.kind === 'float' || a.kind === 'int') return a.value;
  return bad(name, a, 'a float');
}

/** A list-of-floats attribute (integers read as floats), or undefined when absent. */
export function attrFloats(node: OnnxNode, name: string, bad = malformed(node)): number[] | undefined {
  const a = node.attributes[name];
  if (a === undefined) return undefined;
  if (a.kind === 'floats' || a.kind === 'ints') return a.value;
  return bad(name, a, 'a list of floats');
}

/** A string attribute, or `fallback` when absent. */
export function attrString(node: OnnxNode, name: string, fallback: string, bad = malformed(node)): string {
  const a = node.attributes[name];
  if (a === undefined) return fallback;
  if (a.kind === 'string') return a.value;
  return bad(name, a, 'a string');
}

/** A tensor attribute, or undefined when absent. */
export function attrTensor(node: OnnxNode, name: string, bad = malformed(node)): Tensor | undefined {
  const a = node.attributes[name];
  if (a === undefined) return undefined;
  if (a.kind === 'tensor') return a.value;
  return bad(name, a, 'a tensor');
}
