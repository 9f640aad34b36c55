/** Decoding ONNX bytes into convlens's model view and encoding it back. */
import Long from 'long';
import { ConvlensError } from '../errors.js';
import { ModelProtoType } from './schema.js';
import type { Attribute, Dim, Graph, Model, OnnxNode, Tensor, ValueInfo } from './types.js';
import { product } from './shapes/dims.js';
import { bytesPerElement } from './tensor.js';
import { DataType } from './types.js';

/* eslint-disable @typescript-eslint/no-explicit-any -- protobuf messages are untyped here */

const SAFE = Long.fromNumber(Number.MAX_SAFE_INTEGER);

function num(v: any): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const l = Long.isLong(v) ? v : Long.fromValue(v);
  if (l.greaterThan(SAFE)) return Number.MAX_SAFE_INTEGER;
  if (l.lessThan(SAFE.negate())) return -Number.MAX_SAFE_INTEGER;
  return l.toNumber();
}

function toLong(n: number): Long {
  if (n >= Number.MAX_SAFE_INTEGER) return Long.MAX_VALUE;
  if (n <= -Number.MAX_SAFE_INTEGER) return Long.MIN_VALUE;
  return Long.fromNumber(Math.trunc(n));
}

const utf8 = new TextDecoder();
const utf8enc = new TextEncoder();

function entries(list: any[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of list ?? []) out[e.key] = e.value;
  return out;
}

function packTyped(values: ArrayLike<number>, dataType: number): Uint8Array {
  const n = values.length;
  const bytes = new Uint8Array(n * bytesPerElement(dataType));
  const v = new DataView(bytes.buffer);
  for (let i = 0; i < n; i++) {
    const x = values[i];
    switch (dataType) {
      case DataType.FLOAT: v.setFloat32(i * 4, x, true); break;
      case DataType.DOUBLE: v.setFloat64(i * 8, x, true); break;
      case DataType.INT32: v.setInt32(i * 4, x, true); break;
      case DataType.INT16: v.setInt16(i * 2, x, true); break;
      case DataType.UINT16: case DataType.FLOAT16: case DataType.BFLOAT16: v.setUint16(i * 2, x, true); break;
      case DataType.INT8: v.setInt8(i, x); break;
      case DataType.UINT8: case DataType.BOOL: v.setUint8(i, x); break;
      case DataType.UINT32: v.setUint32(i * 4, x, true); break;
      default: throw new ConvlensError('NOT_ONNX', `Tensor of element type ${dataType} stored in an unexpected field.`);
    }
  }
  return bytes;
}

function decodeTensor(t: any): Tensor {
  const dims = (t.dims ?? []).map(num);
  const dataType = t.dataType ?? 0;
  const tensor: Tensor = { name: t.name ?? '', dataType, dims, raw: new Uint8Array(0) };
  if (t.dataLocation === 1) {
    const info = entries(t.externalData);
    tensor.external = {
      location: info.location ?? '',
      offset: info.offset ? Number(info.offset) : 0,
      length: info.length ? Number(info.length) : null,
    };
    return tensor;
  }
  if (t.rawData && t.rawData.length > 0) {
    tensor.raw = t.rawData;
  } else if (dataType === DataType.STRING) {
    tensor.raw = new Uint8Array(0);
  } else if (dataType === DataType.INT64 || dataType === DataType.UINT64) {
    const src = dataType === DataType.INT64 ? t.int64Data : t.uint64Data;
    const arr = new BigInt64Array((src ?? []).length);
    (src ?? []).forEach((x: any, i: number) => { arr[i] = BigInt((Long.isLong(x) ? x : Long.fromValue(x)).toString()); });
    tensor.raw = new Uint8Array(arr.buffer);
  } else if (dataType === DataType.FLOAT || dataType === DataType.DOUBLE) {
    const src = dataType === DataType.FLOAT ? t.floatData : t.doubleData;
    tensor.raw = packTyped(src ?? [], dataType);
  } else {
    tensor.raw = packTyped(t.int32Data ?? [], dataType);
  }
  const expected = product(dims) * (dataType === DataType.STRING ? 0 : bytesPerElement(dataType));
  // ONNX wants exactly the bytes the shape needs; onnxruntime refuses more as well as fewer.
  if (dataType !== DataType.STRING && tensor.raw.byteLength !== expected) {
    throw new ConvlensError('MODEL_UNREADABLE',
      `Tensor "${tensor.name}" holds ${tensor.raw.byteLength} bytes but its shape [${dims}] needs ${expected}: the model file is truncated or corrupt. Export it again.`);
  }
  return tensor;
}

function emptyAttribute(a: any, kind: string): never {
  throw new ConvlensError('MODEL_UNREADABLE',
    `The attribute "${a.name ?? ''}" is declared as a ${kind} but holds none: the model file is corrupt. Export it again.`);
}

function decodeAttribute(a: any): Attribute {
  switch (a.type) {
    case 1: return { kind: 'float', value: a.f ?? 0 };
    case 2: return { kind: 'int', value: num(a.i) };
    // protobufjs leaves an unset bytes field as a plain empty array, which TextDecoder refuses.
    case 3: return { kind: 'string', value: a.s instanceof Uint8Array ? utf8.decode(a.s) : '' };
    case 4: return { kind: 'tensor', value: a.t ? decodeTensor(a.t) : emptyAttribute(a, 'tensor') };
    case 5: return { kind: 'graph', value: a.g ? decodeGraph(a.g) : emptyAttribute(a, 'graph') };
    case 6: return { kind: 'floats', value: [...(a.floats ?? [])] };
    case 7: return { kind: 'ints', value: (a.ints ?? []).map(num) };
    case 8: return { kind: 'strings', value: (a.strings ?? []).map((s: Uint8Array) => utf8.decode(s)) };
    default: return { kind: 'other', value: a };
  }
}

function decodeValueInfo(v: any): ValueInfo {
  const tt = v.type?.tensorType;
  const shape: Dim[] | null = tt?.shape
    ? (tt.shape.dim ?? []).map((d: any): Dim => (d.value === 'dimValue' ? num(d.dimValue) : d.value === 'dimParam' ? d.dimParam : null))
    : null;
  return { name: v.name ?? '', elemType: tt?.elemType ?? 0, shape };
}

function decodeNode(n: any): OnnxNode {
  const attributes: Record<string, Attribute> = {};
  for (const a of n.attribute ?? []) attributes[a.name] = decodeAttribute(a);
  return {
    name: n.name ?? '',
    opType: n.opType ?? '',
    domain: n.domain === 'ai.onnx' ? '' : (n.domain ?? ''),
    inputs: [...(n.input ?? [])],
    outputs: [...(n.output ?? [])],
    attributes,
    metadata: entries(n.metadataProps),
  };
}

function decodeGraph(g: any): Graph {
  const initializers = new Map<string, Tensor>();
  for (const t of g.initializer ?? []) initializers.set(t.name, decodeTensor(t));
  return {
    name: g.name ?? '',
    nodes: (g.node ?? []).map(decodeNode),
    inputs: (g.input ?? []).map(decodeValueInfo),
    outputs: (g.output ?? []).map(decodeValueInfo),
    initializers,
    valueInfo: (g.valueInfo ?? []).map(decodeValueInfo),
  };
}

/**
 * Decodes ONNX model bytes. Bytes that are not an ONNX model give a `NOT_ONNX` error.
 */
export function decodeModel(bytes: Uint8Array, source = 'the model'): Model {
  let m: any;
  try {
    m = ModelProtoType.decode(bytes);
  } catch (e) {
    throw new ConvlensError('NOT_ONNX',
      `${source} is not an ONNX model (${(e as Error).message}). Pass a .onnx file exported with torch.onnx.export, tf2onnx or similar.`, { cause: e });
  }
  if (!m.graph || (m.graph.node ?? []).length === 0 || !m.opsetImport || m.opsetImport.length === 0) {
    throw new ConvlensError('NOT_ONNX',
      `${source} is not an ONNX model: it has no graph or no operator set. Pass a .onnx file exported with torch.onnx.export, tf2onnx or similar.`);
  }
  return {
    irVersion: num(m.irVersion),
    opsets: m.opsetImport.map((o: any) => ({ domain: o.domain === 'ai.onnx' ? '' : (o.domain ?? ''), version: num(o.version) })),
    producerName: m.producerName ?? '',
    producerVersion: m.producerVersion ?? '',
    graph: decodeGraph(m.graph),
    metadata: entries(m.metadataProps),
    functions: m.functions ?? [],
  };
}

function encodeEntries(rec: Record<string, string>): any[] {
  return Object.entries(rec).map(([key, value]) => ({ key, value }));
}

function encodeTensor(t: Tensor): any {
  if (t.external) throw new ConvlensError('EXTERNAL_DATA_MISSING', `Tensor "${t.name}" still points at external data; load the model with its data files first.`);
  return { name: t.name, dataType: t.dataType, dims: t.dims.map(toLong), rawData: t.raw };
}

function encodeAttribute(name: string, a: Attribute): any {
  switch (a.kind) {
    case 'float': return { name, type: 1, f: a.value };
    case 'int': return { name, type: 2, i: toLong(a.value) };
    case 'string': return { name, type: 3, s: utf8enc.encode(a.value) };
    case 'tensor': return { name, type: 4, t: encodeTensor(a.value) };
    case 'graph': return { name, type: 5, g: encodeGraph(a.value) };
    case 'floats': return { name, type: 6, floats: a.value };
    case 'ints': return { name, type: 7, ints: a.value.map(toLong) };
    case 'strings': return { name, type: 8, strings: a.value.map((s) => utf8enc.encode(s)) };
    case 'other': return a.value;
  }
}

function encodeValueInfo(v: ValueInfo): any {
  const tensorType: any = { elemType: v.elemType };
  if (v.shape) {
    tensorType.shape = { dim: v.shape.map((d) => (typeof d === 'number' ? { dimValue: toLong(d) } : typeof d === 'string' ? { dimParam: d } : {})) };
  }
  return { name: v.name, type: { tensorType } };
}

function encodeGraph(g: Graph): any {
  return {
    name: g.name,
    node: g.nodes.map((n) => ({
      name: n.name,
      opType: n.opType,
      domain: n.domain,
      input: n.inputs,
      output: n.outputs,
      attribute: Object.entries(n.attributes).map(([k, a]) => encodeAttribute(k, a)),
      metadataProps: encodeEntries(n.metadata),
    })),
    initializer: [...g.initializers.values()].map(encodeTensor),
    input: g.inputs.map(encodeValueInfo),
    output: g.outputs.map(encodeValueInfo),
    valueInfo: g.valueInfo.map(encodeValueInfo),
  };
}

/** Encodes a model view into ONNX bytes. */
export function encodeModel(model: Model): Uint8Array {
  const message = ModelProtoType.fromObject({
    irVersion: toLong(model.irVersion),
    opsetImport: model.opsets.map((o) => ({ domain: o.domain, version: toLong(o.version) })),
    producerName: model.producerName,
    producerVersion: model.producerVersion,
    graph: encodeGraph(model.graph),
    metadataProps: encodeEntries(model.metadata),
    functions: model.functions,
  });
  return ModelProtoType.encode(message).finish();
}
