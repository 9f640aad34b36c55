/**
 * Worker threads of convlens's own modules, whether convlens runs built (`dist/*.js`) or from
 * its TypeScript sources (tests, `tsx`): a thread does not inherit the TypeScript loader, so
 * from sources it registers tsx before importing the module.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import { ConvlensError, type ConvlensErrorCode } from '../errors.js';

/**
 * The module `name` next to the module at `from` (an `import.meta.url`), with the same extension.
 *
 * @example
 * siblingModule(import.meta.url, 'scan-thread'); // file:///…/node/scan-thread.js (or .ts from sources)
 */
export function siblingModule(from: string, name: string): URL {
  return new URL(`./${name}${from.endsWith('.ts') ? '.ts' : '.js'}`, from);
}

/**
 * Starts a worker thread running the module at `url`.
 *
 * @example
 * const worker = startModuleThread(siblingModule(import.meta.url, 'scan-thread'), { workerData: { threads: 1 } });
 */
export function startModuleThread(url: URL, options: WorkerOptions = {}): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url, options);
  // tsx's ES module API (its CommonJS build cannot register the ESM loader from an eval'd thread).
  const tsx = new URL('dist/esm/api/index.mjs', pathToFileURL(createRequire(import.meta.url).resolve('tsx/package.json')));
  const code = `import(${JSON.stringify(tsx.href)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(code, { ...options, eval: true });
}

/** An error as a thread sends it: structured clones drop a ConvlensError's class, so its code travels apart. */
export interface ThreadError { code: string | null; message: string }

/** `e` as a thread's error reply. */
export function threadError(e: unknown): ThreadError {
  return { code: e instanceof ConvlensError ? e.code : null, message: e instanceof Error ? e.message : String(e) };
}

/** The error a thread replied, a ConvlensError again when it was one. */
export function errorFromThread(reply: ThreadError): Error {
  return reply.code ? new ConvlensError(reply.code as ConvlensErrorCode, reply.message) : new Error(reply.message);
}
