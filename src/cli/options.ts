/** Options shared by the commands that open a model, and their parsing. */
import { readFile } from 'node:fs/promises';
import { ConvlensError } from '../errors.js';
import { MiB } from '../engine/runtime.js';
import { loadModel, type NodeModelOptions } from '../node/index.js';
import type { ConvlensModel } from '../engine/model.js';
import { usageError, type FlagSpec } from './command-line.js';
import { withProgress } from './progress.js';

export const modelOptionSpec = {
  model: { type: 'string' },
  preprocess: { type: 'string' },
  'input-size': { type: 'string' },
  labels: { type: 'string' },
  'memory-budget': { type: 'string' },
  'download-timeout': { type: 'string' },
  threads: { type: 'string' },
} as const;

export interface ModelFlags {
  model?: string;
  preprocess?: string;
  'input-size'?: string;
  labels?: string;
  'memory-budget'?: string;
  'download-timeout'?: string;
  threads?: string;
}

/** Parses "224" or "224x192" (height x width); `flag` names the option in errors. */
export function parseSize(value: string, flag = '--input-size'): [number, number] {
  const m = /^(\d+)(?:x(\d+))?$/.exec(value.trim());
  if (!m) throw usageError('', `${flag} must be a size like 224 or 224x192 (height x width); got "${value}".`);
  const h = Number(m[1]);
  const w = Number(m[2] ?? m[1]);
  if (h < 1 || w < 1) throw usageError('', `${flag} must be positive; got "${value}".`);
  return [h, w];
}

/** Parses `--threads N`: CPU threads for onnxruntime (default: every core). */
export function parseThreads(value: string): number {
  const threads = Number(value);
  if (!(Number.isInteger(threads) && threads >= 1)) throw usageError('', `--threads takes a whole number of at least 1; got "${value}".`);
  return threads;
}

async function readLabels(path: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new ConvlensError('BAD_OPTION', `Cannot read the labels file ${path} (${(e as Error).message}); give a text file with one class name per line, or a JSON array.`, { cause: e });
  }
  if (text.trim().startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new ConvlensError('BAD_OPTION', `The labels file ${path} starts like a JSON array but is not valid JSON (${(e as Error).message}); fix it, or give one class name per line.`, { cause: e });
    }
    if (!Array.isArray(parsed) || !parsed.every((l) => typeof l === 'string')) {
      throw new ConvlensError('BAD_OPTION', `The labels file ${path} must hold a JSON array of strings or one class name per line.`);
    }
    return parsed;
  }
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
}

export async function modelOptions(flags: ModelFlags): Promise<NodeModelOptions> {
  const options: NodeModelOptions = {};
  if (flags.preprocess) options.preprocess = flags.preprocess;
  if (flags['input-size']) options.inputSize = parseSize(flags['input-size']);
  if (flags.labels) options.labels = await readLabels(flags.labels);
  if (flags['memory-budget']) {
    const mib = Number(flags['memory-budget']);
    if (!(mib > 0)) throw usageError('', `--memory-budget is a number of MiB; got "${flags['memory-budget']}".`);
    options.memoryBudget = mib * MiB;
  }
  if (flags['download-timeout']) {
    const seconds = Number(flags['download-timeout']);
    if (!(seconds > 0)) throw usageError('', `--download-timeout is a number of seconds; got "${flags['download-timeout']}".`);
    options.downloadTimeout = seconds * 1000;
  }
  if (flags.threads !== undefined) options.threads = parseThreads(flags.threads);
  return options;
}

/** Loads a model, showing a download's progress on stderr for http(s) sources. */
export function openModel(source: string, options: NodeModelOptions): Promise<ConvlensModel> {
  if (!/^https?:\/\//i.test(source)) return loadModel(source, options);
  // Shown only when the download takes more than a second (a cached model takes none).
  return withProgress(`download ${source} (MiB)`, (onProgress) => loadModel(source, {
    ...options, onDownloadProgress: (received, total) => onProgress(Math.round(received / MiB), total === null ? 0 : Math.round(total / MiB)),
  }));
}

export async function openModelFromFlags(flags: ModelFlags): Promise<ConvlensModel> {
  if (!flags.model) throw usageError('', 'Missing --model: give the path or URL of an ONNX model.');
  return openModel(flags.model, await modelOptions(flags));
}

const modelFlagHelp: Record<string, [value: string, help: string]> = {
  model: ['M.onnx', 'the model: a path, or an http(s) URL (downloaded once, then cached)'],
  preprocess: ['P', 'imagenet, unit, symmetric or JSON (default: the model\'s annotation, else imagenet)'],
  'input-size': ['HxW', 'input size when the model does not fix it (default 224)'],
  labels: ['FILE', 'class names, one a line or a JSON array (default: the model\'s annotation)'],
  'memory-budget': ['MIB', 'memory for compiled graphs and batches, in MiB'],
  'download-timeout': ['S', 'seconds a model download may wait to connect or for more bytes (default 30)'],
  threads: ['N', 'CPU threads for onnxruntime (default: every core)'],
};

/** The model flags with their help, for a command's spec (see command-line.ts). */
export const modelFlags = Object.fromEntries(Object.entries(modelOptionSpec)
  .map(([name, { type }]) => [name, {
    type, value: modelFlagHelp[name]?.[0], help: modelFlagHelp[name]?.[1] ?? '', group: 'Model options',
    onceHint: name === 'model' ? 'to put models side by side use `convlens compare` or `convlens report`, or run it once per model' : undefined,
  }])) as
  { [K in keyof typeof modelOptionSpec]: FlagSpec & { type: (typeof modelOptionSpec)[K]['type'] } };
