/**
 * Opening a model in the browser: a URL (fetched), a File or Blob (from an `<input>` or a
 * drop), or bytes. External data files are fetched next to a model URL; a Blob or bytes
 * cannot bring them along.
 */
import { ConvlensError } from '../errors.js';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import { loadExternalData, refuseExternalData } from '../onnx/external-data.js';
import type { FetchOptions, ModelSource } from '../onnx/model-source.js';

export type BrowserModelSourceOptions = FetchOptions;

async function fetchBytes(url: URL, what: string, options: BrowserModelSourceOptions, failCode: 'DOWNLOAD_FAILED' | 'EXTERNAL_DATA_MISSING'): Promise<Uint8Array> {
  const fetchImpl = options.fetch ?? globalThis.fetch;
  let res: Response;
  try {
    res = await fetchImpl(url, { signal: options.signal });
  } catch (e) {
    if (options.signal?.aborted) throw new ConvlensError('ABORTED', `Fetching ${url.href} was aborted.`, { cause: e });
    throw new ConvlensError(failCode,
      `Fetching ${what} ${url.href} failed: ${(e as Error).message}. Check the URL; a server on another origin must allow it with CORS headers.`, { cause: e });
  }
  if (!res.ok) {
    throw new ConvlensError(failCode, `Fetching ${what} ${url.href} failed: HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ''}. Check the URL.`);
  }
  return new Uint8Array(await res.arrayBuffer());
}

const cannotBringAlong = (label: string) => (location: string, tensor: string) =>
  `${label} keeps the weights of tensor "${tensor}" in an external file "${location}", which a file or bytes cannot bring along. Load the model from a URL with the data file next to it, or save it as one file (onnx.save(model, path, save_as_external_data=False)).`;

function baseUrl(): string | undefined {
  const loc = (globalThis as { location?: { href?: string } }).location;
  return loc?.href;
}

/**
 * Reads and decodes a model from a URL (relative URLs resolve against the page), a File or
 * Blob, an ArrayBuffer or a Uint8Array. Failed requests give `DOWNLOAD_FAILED`, bytes that
 * are not ONNX `NOT_ONNX`, missing external data files `EXTERNAL_DATA_MISSING`.
 *
 * @example
 * const { model } = await readModelSource('models/resnet18.onnx');
 * const dropped = await readModelSource(event.dataTransfer.files[0]);
 */
export async function readModelSource(
  source: string | URL | Blob | ArrayBuffer | Uint8Array,
  options: BrowserModelSourceOptions = {},
): Promise<ModelSource> {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) {
    const bytes = source instanceof Uint8Array ? source : new Uint8Array(source);
    const label = 'the model bytes';
    const model = decodeModel(bytes, label);
    refuseExternalData(model, cannotBringAlong('The model given as bytes'));
    return { bytes, model, label };
  }
  if (typeof Blob !== 'undefined' && source instanceof Blob) {
    const name = (source as Blob & { name?: unknown }).name;
    const label = typeof name === 'string' && name ? name : 'the model file';
    const bytes = new Uint8Array(await source.arrayBuffer());
    const model = decodeModel(bytes, label);
    refuseExternalData(model, cannotBringAlong(`The model ${label}`));
    return { bytes, model, label };
  }
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new ConvlensError('BAD_OPTION', `A model source must be a URL, a File or Blob, an ArrayBuffer or a Uint8Array, got ${typeof source}.`);
  }
  let url: URL;
  try {
    url = source instanceof URL ? source : new URL(source, baseUrl());
  } catch (e) {
    throw new ConvlensError('BAD_OPTION', `"${String(source)}" is not a URL convlens can fetch; pass an absolute URL or one relative to the page.`, { cause: e });
  }
  const bytes = await fetchBytes(url, 'the model', options, 'DOWNLOAD_FAILED');
  const model = decodeModel(bytes, url.href);
  const external = await loadExternalData(model, async (location, tensors) => {
    const dataUrl = new URL(location, url);
    return { bytes: await fetchBytes(dataUrl, `external data for tensor "${tensors[0].name}" from`, options, 'EXTERNAL_DATA_MISSING'), label: dataUrl.href };
  });
  // Re-encoded bytes are a Buffer when bundled for Node; a plain view keeps Uint8Array semantics.
  const encoded = external ? encodeModel(model) : bytes;
  return { bytes: new Uint8Array(encoded.buffer, encoded.byteOffset, encoded.byteLength), model, label: url.href };
}
