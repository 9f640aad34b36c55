/**
 * Datasets from files: a folder walked recursively (labels from class sub-folders), a CSV of
 * `path,label` rows, or a list file with one path per line. Images are decoded only when a
 * scan reads them.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { indexLabels, type DatasetSource } from '../dataset/source.js';
import { ConvlensError } from '../errors.js';
import { decodeImageFile, SUPPORTED_IMAGE_FORMATS } from './codecs.js';

/** File endings of the formats the decoders read (sharp/libvips and the BMP decoder). */
const IMAGE_EXTENSIONS = new Set(['.png', '.jpg', '.jpeg', '.jpe', '.webp', '.gif', '.tif', '.tiff', '.bmp', '.avif', '.heic', '.heif', '.svg']);

async function walk(dir: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await readdir(dir, { withFileTypes: true });
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const path = join(dir, e.name);
    if (e.isDirectory()) found.push(...await walk(path));
    else if (e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) found.push(path);
  }
  return found;
}

function source(name: string, root: string, paths: string[], labels: (string | null)[]): DatasetSource {
  const { classNames, indices } = indexLabels(labels);
  return {
    name,
    classNames,
    entries: paths.map((p, i) => ({ id: relative(root, p) || p, label: indices[i] })),
    // A scan decodes on the thread onnxruntime runs on, so reads cost that thread's time either
    // way; blocking reads of dataset pictures (small, mostly local) cost the least of it.
    load: (index) => decodeImageFile(paths[index], { blockingRead: true }),
  };
}

/** Splits one CSV line (quotes allowed around fields, `""` inside quotes). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false; else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { fields.push(field); field = ''; } else field += ch;
  }
  fields.push(field);
  return fields.map((f) => f.trim());
}

async function fromTextFile(path: string, csv: boolean): Promise<DatasetSource> {
  const root = dirname(path);
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0 && !l.startsWith('#'));
  const rows = lines.map((l, i) => ({ line: i + 1, fields: csv ? csvFields(l) : [l] }));
  if (csv && rows.length > 0 && rows[0].fields[0].toLowerCase() === 'path') rows.shift();
  if (rows.length === 0) throw new ConvlensError('BAD_INPUT', `${path} lists no images; give one image path per line${csv ? ' as path,label' : ''}.`);
  for (const r of rows) {
    if (csv && r.fields.length !== 2) {
      throw new ConvlensError('BAD_INPUT', `Line ${r.line} of ${path} has ${r.fields.length} fields; each row must be path,label.`);
    }
  }
  const paths = rows.map((r) => (isAbsolute(r.fields[0]) ? r.fields[0] : resolve(root, r.fields[0])));
  return source(path, root, paths, rows.map((r) => (csv ? r.fields[1] : null)));
}

/**
 * Opens a dataset: a folder (every image below it, in sorted path order; when every image
 * sits in a first-level sub-folder, the sub-folder names are the labels), a `.csv` file of
 * `path,label` rows (an optional `path,label` header; paths relative to the file), or any
 * other file as a list of image paths, one per line.
 *
 * @example
 * const data = await openDataset('photos/'); // photos/cat/1.jpg, photos/dog/2.png, ...
 * data.classNames; // ['cat', 'dog']
 */
export async function openDataset(path: string): Promise<DatasetSource> {
  let info;
  try {
    info = await stat(path);
  } catch (e) {
    throw new ConvlensError('IMAGE_NOT_FOUND', `Cannot open the dataset ${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file or folder' : (e as Error).message}. Give a folder of images, a .csv of path,label rows or a list file.`, { cause: e });
  }
  if (!info.isDirectory()) return fromTextFile(path, extname(path).toLowerCase() === '.csv');
  const paths = await walk(path);
  if (paths.length === 0) {
    throw new ConvlensError('BAD_INPUT', `The folder ${path} holds no images (convlens reads ${SUPPORTED_IMAGE_FORMATS}, found by their file endings in the folder and its sub-folders).`);
  }
  const parts = paths.map((p) => relative(path, p).split(sep));
  const byFolder = parts.every((p) => p.length >= 2);
  return source(path, path, paths, parts.map((p) => (byFolder ? p[0] : null)));
}
