/**
 * onnxruntime-web as convlens's runtime: WebAssembly kernels by default, WebGPU on request.
 * Without cross-origin isolation (no SharedArrayBuffer) onnxruntime-web runs one WASM
 * thread, which is slower but gives the same numbers.
 */
import * as ort from 'onnxruntime-web';
import { ConvlensError } from '../errors.js';
import { MiB, type OrtModule, type Runtime } from '../engine/runtime.js';

export type BrowserExecutionProvider = 'wasm' | 'webgpu';

export interface BrowserRuntimeOptions {
  /**
   * Where onnxruntime-web's `.wasm` and `.mjs` files are served: a folder (a URL prefix
   * ending in `/`, e.g. a copy of `node_modules/onnxruntime-web/dist/`) or one URL per
   * file. Relative URLs resolve against the page. Default: next to the script that
   * bundles onnxruntime-web.
   */
  wasmPaths?: string | URL | { wasm?: string | URL; mjs?: string | URL };
}

function pageBase(): string | undefined {
  return (globalThis as { location?: { href?: string } }).location?.href;
}

// onnxruntime-web asks for absolute URLs; resolving here lets callers write '/ort/'.
function absolute(url: string | URL): string {
  try {
    return new URL(url, pageBase()).href;
  } catch (e) {
    throw new ConvlensError('BAD_OPTION', `wasmPaths "${String(url)}" is not a URL; give an absolute URL or one relative to the page.`, { cause: e });
  }
}

/**
 * Sets where onnxruntime-web fetches its WebAssembly files. onnxruntime-web reads this when
 * it starts, i.e. when the first model session is created, so call it before that (or pass
 * `wasmPaths` to the first `loadModel`).
 *
 * @example
 * configureRuntime({ wasmPaths: 'https://cdn.jsdelivr.net/npm/onnxruntime-web@1.30.0/dist/' });
 */
export function configureRuntime(options: BrowserRuntimeOptions): void {
  const paths = options.wasmPaths;
  if (paths === undefined) return;
  if (typeof paths === 'string' || paths instanceof URL) {
    ort.env.wasm.wasmPaths = absolute(paths);
  } else {
    ort.env.wasm.wasmPaths = {
      ...(paths.wasm !== undefined && { wasm: absolute(paths.wasm) }),
      ...(paths.mjs !== undefined && { mjs: absolute(paths.mjs) }),
    };
  }
}

/**
 * onnxruntime-web fails to start when its WebAssembly files are not where it looks (the
 * page's folder by default): say which files to serve and how to point to them.
 */
function startupError(e: unknown): unknown {
  const message = (e as Error)?.message ?? String(e);
  if (!/wasm|\.mjs|backend|fetch/i.test(message)) return e;
  const where = typeof ort.env.wasm.wasmPaths === 'string' ? ` (looked in ${ort.env.wasm.wasmPaths})` : '';
  return new ConvlensError('RUNTIME',
    `onnxruntime-web could not load its WebAssembly files${where}: ${message}. Serve the ort-wasm-simd-threaded.wasm and `
    + 'ort-wasm-simd-threaded.mjs files of node_modules/onnxruntime-web/dist/ (the .jsep.wasm and .jsep.mjs ones too for WebGPU) '
    + 'from one folder, and give that folder as wasmPaths to loadModel or configureRuntime.', { cause: e });
}

/** onnxruntime-web with session creation failures explained. */
const explainedOrt: OrtModule = {
  Tensor: ort.Tensor,
  InferenceSession: {
    create: async (...args: unknown[]) => {
      try {
        return await (ort.InferenceSession.create as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (e) {
        throw startupError(e);
      }
    },
  } as unknown as OrtModule['InferenceSession'],
};

const runtimes: Record<BrowserExecutionProvider, Runtime> = {
  wasm: { ort: explainedOrt, sessionOptions: { graphOptimizationLevel: 'all', executionProviders: ['wasm'] }, memoryBudget: 512 * MiB },
  // Nodes WebGPU has no kernel for fall back to the WASM CPU kernels inside onnxruntime-web.
  webgpu: { ort: explainedOrt, sessionOptions: { graphOptimizationLevel: 'all', executionProviders: ['webgpu'] }, memoryBudget: 512 * MiB },
};

/** The runtime for an execution provider; `BAD_OPTION` for an unknown one or WebGPU where the browser lacks it. */
export function browserRuntime(executionProvider: BrowserExecutionProvider = 'wasm'): Runtime {
  if (!Object.hasOwn(runtimes, executionProvider)) {
    throw new ConvlensError('BAD_OPTION', `Unknown execution provider "${String(executionProvider)}"; use 'wasm' or 'webgpu'.`);
  }
  if (executionProvider === 'webgpu' && !(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) {
    throw new ConvlensError('BAD_OPTION', "This browser has no WebGPU (navigator.gpu is missing); use executionProvider 'wasm', or a browser with WebGPU enabled.");
  }
  return runtimes[executionProvider];
}
