/**
 * convlens's in-memory view of an ONNX model: plain objects, independent of the protobuf
 * library, cheap to copy into new graph variants (tensors share their bytes).
 */

/** ONNX element types convlens reads and writes (TensorProto.DataType). */
export const DataType = {
  FLOAT: 1, UINT8: 2, INT8: 3, UINT16: 4, INT16: 5, INT32: 6, INT64: 7, STRING: 8, BOOL: 9,
  FLOAT16: 10, DOUBLE: 11, UINT32: 12, UINT64: 13, BFLOAT16: 16,
} as const;

/** A constant tensor: little-endian bytes as ONNX stores them in `raw_data`. */
export interface Tensor {
  name: string;
  dataType: number;
  dims: number[];
  raw: Uint8Array;
  /** Where the bytes live when the model keeps weights in a separate file (until loaded). */
  external?: { location: string; offset: number; length: number | null };
}

export type Attribute =
  | { kind: 'float'; value: number }
  | { kind: 'int'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'tensor'; value: Tensor }
  | { kind: 'graph'; value: Graph }
  | { kind: 'floats'; value: number[] }
  | { kind: 'ints'; value: number[] }
  | { kind: 'strings'; value: string[] }
  | { kind: 'other'; value: unknown };

export interface OnnxNode {
  name: string;
  opType: string;
  domain: string;
  inputs: string[];
  outputs: string[];
  attributes: Record<string, Attribute>;
  metadata: Record<string, string>;
}

/** A dimension: a number, a symbolic name, or unknown. */
export type Dim = number | string | null;

export interface ValueInfo {
  name: string;
  elemType: number;
  shape: Dim[] | null;
}

export interface Graph {
  name: string;
  nodes: OnnxNode[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers: Map<string, Tensor>;
  valueInfo: ValueInfo[];
}

export interface OpsetImport {
  domain: string;
  version: number;
}

export interface Model {
  irVersion: number;
  opsets: OpsetImport[];
  producerName: string;
  producerVersion: string;
  graph: Graph;
  metadata: Record<string, string>;
  /** Model-local functions, kept as decoded protobuf objects; the importer inlines them. */
  functions: unknown[];
}
