/** Options shared by the commands that open a model, and their parsing. */
import { readFile } from 'node:fs/promises';
import { ConvlensError } from '../errors.js';
import { MiB } from '../engine/runtime.js';
import { loadModel, type NodeModelOptions } from '../node/index.js';
import type { ConvlensModel } from '../engine/model.js';

export const modelOptionSpec = {
  model: { type: 'string' },
  preprocess: { type: 'string' },
  'input-size': { type: 'string' },
  labels: { type: 'string' },
  'memory-budget': { type: 'string' },
  threads: { type: 'string' },
} as const;

export interface ModelFlags {
  model?: string;
  preprocess?: string;
  'input-size'?: string;
  labels?: string;
  'memory-budget'?: string;
  threads?: string;
}

export function badUsage(message: string): ConvlensError {
  return new ConvlensError('BAD_OPTION', `${message} Run \`convlens help\` for usage.`);
}

/** Parses "224" or "224x192" (height x width). */
export function parseSize(value: string): [number, number] {
  const m = /^(\d+)(?:x(\d+))?$/.exec(value.trim());
  if (!m) throw badUsage(`--input-size must be a size like 224 or 224x192 (height x width); got "${value}".`);
  const h = Number(m[1]);
  const w = Number(m[2] ?? m[1]);
  if (h < 1 || w < 1) throw badUsage(`--input-size must be positive; got "${value}".`);
  return [h, w];
}

/** Parses `--threads N`: CPU threads for onnxruntime (default: every core). */
export function parseThreads(value: string): number {
  const threads = Number(value);
  if (!(Number.isInteger(threads) && threads >= 1)) throw badUsage(`--threads takes a whole number of at least 1; got "${value}".`);
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
    const parsed = JSON.parse(text) as unknown;
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
    if (!(mib > 0)) throw badUsage(`--memory-budget is a number of MiB; got "${flags['memory-budget']}".`);
    options.memoryBudget = mib * MiB;
  }
  if (flags.threads !== undefined) options.threads = parseThreads(flags.threads);
  return options;
}

export async function openModelFromFlags(flags: ModelFlags): Promise<ConvlensModel> {
  if (!flags.model) throw badUsage('Missing --model: give the path or URL of an ONNX model.');
  return loadModel(flags.model, await modelOptions(flags));
}
