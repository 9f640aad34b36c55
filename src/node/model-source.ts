/**
 * Opening a model the way users have it in Node: a file path, an http(s) URL they passed
 * explicitly (downloaded once into a cache), or bytes already in memory. Weights kept in
 * external data files next to the model are loaded too.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConvlensError } from '../errors.js';
import { decodeModel, encodeModel } from '../onnx/codec.js';
import { loadExternalData, refuseExternalData, type ExternalDataFile } from '../onnx/external-data.js';
import type { FetchOptions, ModelSource } from '../onnx/model-source.js';
import type { Model, Tensor } from '../onnx/types.js';
import { writeFileAtomically } from './atomic-write.js';
import { download, type DownloadOptions } from './download.js';

export interface ModelSourceOptions extends FetchOptions, Pick<DownloadOptions, 'timeoutMs' | 'onProgress'> {
  /** Where downloaded models are kept; default `$XDG_CACHE_HOME/convlens` or `~/.cache/convlens`. */
  cacheDir?: string;
}

/** The default download cache, following the XDG base directory convention. */
export function defaultCacheDir(): string {
  const xdg = process.env.XDG_CACHE_HOME;
  return xdg ? join(xdg, 'convlens') : join(homedir(), '.cache', 'convlens');
}

/**
 * A plain Uint8Array view of a Buffer. protobufjs decodes a Buffer into Buffer slices, whose
 * `slice()` shares memory instead of copying, which code written for Uint8Array does not expect.
 */
function plain(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

async function readBytes(path: string): Promise<Uint8Array> {
  return plain(await readFile(path));
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

async function readModelFile(path: string): Promise<Uint8Array> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') {
      throw new ConvlensError('MODEL_NOT_FOUND', `No model file at ${path}. Check the path (relative paths start from ${process.cwd()}).`, { cause: e });
    }
    throw new ConvlensError('MODEL_UNREADABLE', `Cannot read the model ${path}: ${(e as Error).message}. Check its permissions.`, { cause: e });
  }
  if (info.isDirectory()) {
    throw new ConvlensError('MODEL_UNREADABLE', `${path} is a directory, not a model file. Pass the .onnx file inside it.`);
  }
  try {
    return await readBytes(path);
  } catch (e) {
    throw new ConvlensError('MODEL_UNREADABLE', `Cannot read the model ${path}: ${(e as Error).message}. Check its permissions.`, { cause: e });
  }
}

/** Reads the model's external data files from `folder`. */
const fromFolder = (folder: string) => async (location: string, tensors: Tensor[]): Promise<ExternalDataFile> => {
  const file = join(folder, location);
  try {
    return { bytes: await readBytes(file), label: file };
  } catch (e) {
    const more = tensors.length > 1 ? ` and ${tensors.length - 1} other tensor${tensors.length > 2 ? 's' : ''}` : '';
    throw new ConvlensError('EXTERNAL_DATA_MISSING',
      `The model keeps the weights of tensor "${tensors[0].name}"${more} in ${file}, which cannot be read (${errno(e) ?? (e as Error).message}). Put the data file "${location}" next to the model file, as the exporter wrote it.`, { cause: e });
  }
};

/**
 * Downloads `url` once into the cache (keyed by the URL's SHA-256), or reads the cached copy.
 * `check` runs before anything is cached, so a wrong file (an error page served with status
 * 200) is never kept.
 */
async function downloadCached(url: URL, options: ModelSourceOptions, what: { suffix: string; failCode: 'DOWNLOAD_FAILED' | 'EXTERNAL_DATA_MISSING'; hint: string; check?: (b: Uint8Array) => void }): Promise<Uint8Array> {
  const cacheDir = options.cacheDir ?? defaultCacheDir();
  const cached = join(cacheDir, `${createHash('sha256').update(url.href).digest('hex')}${what.suffix}`);
  try {
    return await readBytes(cached);
  } catch (e) {
    if (errno(e) !== 'ENOENT') throw new ConvlensError('MODEL_UNREADABLE', `Cannot read the cached download ${cached}: ${(e as Error).message}. Delete it and try again.`, { cause: e });
  }
  let bytes: Uint8Array;
  try {
    bytes = await download(url, options, what.failCode, what.hint);
  } catch (e) {
    if (e instanceof ConvlensError) throw e;
    throw new ConvlensError(what.failCode, `Downloading ${url.href} failed: ${(e as Error).message}. ${what.hint}`, { cause: e });
  }
  what.check?.(bytes);
  // Written whole or not at all: an interrupted download never leaves a partial cache file.
  try {
    await writeFileAtomically(cached, bytes);
  } catch (e) {
    throw new ConvlensError('OUTPUT_UNWRITABLE', `Cannot write the download to the cache ${cacheDir}: ${(e as Error).message}. Pass a writable cacheDir.`, { cause: e });
  }
  return bytes;
}

/** Downloads the model's external data files from next to its URL, cached like the model. */
const fromUrl = (url: URL, options: ModelSourceOptions) => async (location: string, tensors: Tensor[]): Promise<ExternalDataFile> => {
  const dataUrl = new URL(location, url);
  const bytes = await downloadCached(dataUrl, options, {
    suffix: '.data', failCode: 'EXTERNAL_DATA_MISSING',
    hint: `The model keeps the weights of tensor "${tensors[0].name}" in "${location}" next to it; put that file there, or download both into one folder and pass the path of the .onnx file.`,
  });
  return { bytes, label: dataUrl.href };
};

function asUrl(source: string | URL): URL | null {
  if (source instanceof URL) return source;
  // Any scheme, so that ftp:// and the like are refused as URLs rather than read as paths.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(source)) return null;
  try {
    return new URL(source);
  } catch (e) {
    throw new ConvlensError('BAD_OPTION', `"${source}" is not a valid URL; pass a file path or an http(s) URL.`, { cause: e });
  }
}

/**
 * Reads and decodes a model from a file path, an http(s) or file URL, or bytes.
 *
 * - A path that does not exist gives `MODEL_NOT_FOUND`; a directory or an unreadable file
 *   `MODEL_UNREADABLE`; bytes that are not ONNX `NOT_ONNX`.
 * - A URL is downloaded with `fetch` only because the caller passed it, once: later calls
 *   read the cached copy (keyed by the URL's SHA-256). A failed request gives `DOWNLOAD_FAILED`.
 * - External data files are read from the model file's folder, or downloaded (and cached)
 *   from next to the model's URL; one that is missing gives `EXTERNAL_DATA_MISSING` naming
 *   it. Bytes cannot bring their data files along.
 *
 * @example
 * const { model, bytes } = await readModelSource('resnet50.onnx');
 * const remote = await readModelSource(new URL('https://example.org/squeezenet.onnx'), { cacheDir: '/tmp/models' });
 */
export async function readModelSource(source: string | Uint8Array | URL, options: ModelSourceOptions = {}): Promise<ModelSource> {
  if (source instanceof Uint8Array) {
    const label = 'the model bytes';
    const bytes = plain(source);
    const model = decodeModel(bytes, label);
    refuseExternalData(model, (location, tensor) => `The model given as bytes keeps the weights of tensor "${tensor}" in an external file "${location}" that convlens cannot find from here. Pass the path of the .onnx file instead, with its data files next to it.`);
    return { bytes, model, label };
  }
  if (typeof source !== 'string' && !(source instanceof URL)) {
    throw new ConvlensError('BAD_OPTION', `A model source must be a path, a URL or a Uint8Array, got ${typeof source}.`);
  }
  const url = asUrl(source);
  if (url && url.protocol !== 'file:') {
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ConvlensError('BAD_OPTION', `Cannot open models from ${url.protocol} URLs: convlens downloads http(s) URLs and reads files. Download the model yourself and pass its path.`);
    }
    // A fresh download is decoded before it is cached; the decoded model is kept for use.
    let decoded: Model | undefined;
    const bytes = await downloadCached(url, options, {
      suffix: '.onnx', failCode: 'DOWNLOAD_FAILED', hint: 'Check the URL and your network, or download the file yourself and pass its path.',
      check: (b) => { decoded = decodeModel(b, url.href); },
    });
    const model = decoded ?? decodeModel(bytes, url.href);
    const external = await loadExternalData(model, fromUrl(url, options));
    return { bytes: external ? plain(encodeModel(model)) : bytes, model, label: url.href };
  }
  const path = resolve(url ? fileURLToPath(url) : String(source));
  const bytes = await readModelFile(path);
  const model = decodeModel(bytes, path);
  const external = await loadExternalData(model, fromFolder(dirname(path)));
  return { bytes: external ? plain(encodeModel(model)) : bytes, model, label: path };
}
