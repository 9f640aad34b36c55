/**
 * Weights kept outside the .onnx file (ONNX "external data", used for models over 2 GB and
 * by `onnx.save(..., save_as_external_data=True)`): finding the tensors that need them and
 * filling them from their data files. Reading the files is the platform adapters' job.
 */
import { ConvlensError } from '../errors.js';
import { product } from './shapes/dims.js';
import { bytesPerElement } from './tensor.js';
import { DataType, type Graph, type Model, type Tensor } from './types.js';

function collect(graph: Graph, out: Tensor[]): void {
  for (const t of graph.initializers.values()) if (t.external) out.push(t);
  for (const node of graph.nodes) {
    for (const a of Object.values(node.attributes)) {
      if (a.kind === 'tensor' && a.value.external) out.push(a.value);
      if (a.kind === 'graph') collect(a.value, out);
    }
  }
}

/**
 * The tensors of `model` whose bytes live in external files, grouped by file location
 * (relative to the model's folder, as the model records it).
 */
export function externalTensorsByLocation(model: Model): Map<string, Tensor[]> {
  const tensors: Tensor[] = [];
  collect(model.graph, tensors);
  const byLocation = new Map<string, Tensor[]>();
  for (const t of tensors) {
    const location = t.external!.location;
    byLocation.set(location, [...(byLocation.get(location) ?? []), t]);
  }
  return byLocation;
}

/**
 * Throws unless `location` is a plain relative path inside the model's folder, as the ONNX
 * spec requires; a model must not make convlens read arbitrary files.
 */
export function checkExternalLocation(location: string, tensor: Tensor): void {
  const parts = location.split(/[\\/]/);
  if (location === '' || /^([a-zA-Z]:)?[\\/]/.test(location) || parts.includes('..')) {
    throw new ConvlensError('MODEL_UNREADABLE',
      `Tensor "${tensor.name}" points at external data "${location}", which is not a relative path inside the model's folder. The model is malformed or unsafe; save it again with onnx.save(model, path, save_as_external_data=True).`);
  }
}

/**
 * Fills `tensor` with its bytes from `file` (the contents of its data file) and clears its
 * `external` reference. The bytes are a view of `file`, not a copy.
 *
 * @param fileLabel the data file's path or URL, for error messages
 */
export function fillExternalTensor(tensor: Tensor, file: Uint8Array, fileLabel: string): void {
  const ref = tensor.external;
  if (!ref) return;
  if (tensor.dataType === DataType.STRING) {
    throw new ConvlensError('MODEL_UNREADABLE', `Tensor "${tensor.name}" holds strings in external data, which convlens cannot read. Save the model without external data.`);
  }
  const expected = product(tensor.dims) * bytesPerElement(tensor.dataType);
  const length = ref.length ?? expected;
  if (length !== expected || ref.offset < 0 || ref.offset + length > file.byteLength) {
    throw new ConvlensError('MODEL_UNREADABLE',
      `Tensor "${tensor.name}" [${tensor.dims}] needs ${expected} bytes at offset ${ref.offset} of ${fileLabel}, but the model records ${length} bytes and the file has ${file.byteLength}. The data file is truncated or belongs to another export; export the model again.`);
  }
  tensor.raw = file.subarray(ref.offset, ref.offset + length);
  delete tensor.external;
}

/** A data file as a platform adapter read it: its bytes and a path or URL for messages. */
export interface ExternalDataFile {
  bytes: Uint8Array;
  label: string;
}

/**
 * Fills every external tensor of `model` from its data file, each file read once by `read`
 * (from a folder, a URL...). Locations are checked first, so a model cannot make the reader
 * open files outside its folder. Returns whether the model had external data.
 *
 * @example
 * const had = await loadExternalData(model, async (location) => ({ bytes: await readFile(join(dir, location)), label: location }));
 */
export async function loadExternalData(model: Model, read: (location: string, tensors: Tensor[]) => Promise<ExternalDataFile>): Promise<boolean> {
  const byLocation = externalTensorsByLocation(model);
  for (const [location, tensors] of byLocation) {
    checkExternalLocation(location, tensors[0]);
    const file = await read(location, tensors);
    for (const t of tensors) fillExternalTensor(t, file.bytes, file.label);
  }
  return byLocation.size > 0;
}

/**
 * Throws EXTERNAL_DATA_MISSING when the model needs external data its source cannot bring
 * along (bytes, a dropped file): `why` gets the first location and tensor name.
 *
 * @example
 * refuseExternalData(model, (location, tensor) => `The model keeps "${tensor}" in "${location}"; pass its path instead.`);
 */
export function refuseExternalData(model: Model, why: (location: string, tensor: string) => string): void {
  const [first] = externalTensorsByLocation(model);
  if (first) throw new ConvlensError('EXTERNAL_DATA_MISSING', why(first[0], first[1][0].name));
}
