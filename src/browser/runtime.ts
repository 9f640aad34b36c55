/**
 * onnxruntime-web as convlens's runtime: WebAssembly kernels by default, WebGPU on request.
 * WebGPU runs on onnxruntime-web's WebGPU build (its C++ WebGPU provider), not on the
 * JavaScript kernels of its default build: those reuse one ArgMax shader for every reduced
 * length (max-pool gradients of two window sizes on one page) and refuse ceil_mode pools;
 * they also fail on Convs without kernel_shape and misplace ConvTranspose outputs under
 * unequal pads, forms the gradient graphs now avoid.
 * WASM threads need SharedArrayBuffer, which browsers give only to cross-origin isolated
 * pages (served with `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`); elsewhere onnxruntime-web runs one thread,
 * slower but with the same numbers.
 */
import * as ort from 'onnxruntime-web';
import * as ortWebGpu from 'onnxruntime-web/webgpu';
import { ConvlensError } from '../errors.js';
import { MiB, type OrtModule, type Runtime } from '../engine/runtime.js';
import { threadCount } from '../engine/threads.js';

export type BrowserExecutionProvider = 'wasm' | 'webgpu';

export interface BrowserRuntimeOptions {
  /**
   * Where onnxruntime-web's `.wasm` and `.mjs` files are served: a folder (a URL prefix
   * ending in `/`, e.g. a copy of `node_modules/onnxruntime-web/dist/`) or one URL per
   * file. Relative URLs resolve against the page. Default: next to the script that
   * bundles onnxruntime-web.
   */
  wasmPaths?: string | URL | { wasm?: string | URL; mjs?: string | URL };
  /**
   * WASM threads. Default: `navigator.hardwareConcurrency` on a cross-origin isolated page,
   * else 1. onnxruntime-web reads it once, when the first session is created, so the first
   * model opened on a page sets it for all.
   */
  threads?: number;
}

export interface BrowserThreading {
  /** WASM threads onnxruntime-web starts with (or started with). */
  threads: number;
  /** Whether the page is cross-origin isolated, which WASM threads need. */
  isolated: boolean;
  /** Why runs are single-threaded, for the page to show; null when they are not. */
  note: string | null;
}

interface PageGlobals {
  location?: { href?: string };
  crossOriginIsolated?: boolean;
  navigator?: { hardwareConcurrency?: number; gpu?: unknown };
}
const page = globalThis as PageGlobals;

/**
 * How many WASM threads convlens runs with on this page, and a note to show when that is
 * one thread for want of cross-origin isolation.
 *
 * @example
 * const { note } = browserThreading();
 * if (note) statusLine.textContent = note;
 */
export function browserThreading(): BrowserThreading {
  const isolated = page.crossOriginIsolated === true;
  const threads = ort.env.wasm.numThreads ?? (isolated ? Math.max(1, page.navigator?.hardwareConcurrency ?? 1) : 1);
  const note = !isolated
    ? 'This page is not cross-origin isolated, so convlens runs on one WASM thread. Serve it with the headers '
      + '"Cross-Origin-Opener-Policy: same-origin" and "Cross-Origin-Embedder-Policy: require-corp" to use every core.'
    : null;
  return { threads: isolated ? threads : 1, isolated, note };
}

function pageBase(): string | undefined {
  return page.location?.href;
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
 * Sets where onnxruntime-web fetches its WebAssembly files and how many threads it runs.
 * onnxruntime-web reads both when it starts, i.e. when the first model session is created,
 * so call it before that (or pass the options to the first `loadModel`).
 *
 * @example
 * configureRuntime({ wasmPaths: 'https://cdn.jsdelivr.net/npm/onnxruntime-web@1.30.0/dist/', threads: 4 });
 */
export function configureRuntime(options: BrowserRuntimeOptions): void {
  if (options.threads !== undefined) ort.env.wasm.numThreads = threadCount(options.threads, 1);
  // onnxruntime-web's own default is at most half the cores; convlens uses them all.
  else ort.env.wasm.numThreads ??= browserThreading().threads;
  const paths = options.wasmPaths;
  if (paths !== undefined) {
    ort.env.wasm.wasmPaths = typeof paths === 'string' || paths instanceof URL ? absolute(paths) : {
      ...(paths.wasm !== undefined && { wasm: absolute(paths.wasm) }),
      ...(paths.mjs !== undefined && { mjs: absolute(paths.mjs) }),
    };
  }
  // The WebGPU build has its own settings; each build finds its own files in a folder.
  ortWebGpu.env.wasm.numThreads = ort.env.wasm.numThreads;
  if (ort.env.wasm.wasmPaths !== undefined) ortWebGpu.env.wasm.wasmPaths = ort.env.wasm.wasmPaths;
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
    + 'ort-wasm-simd-threaded.mjs files of node_modules/onnxruntime-web/dist/ (the .asyncify.wasm and .asyncify.mjs ones too for WebGPU) '
    + 'from one folder, and give that folder as wasmPaths to loadModel or configureRuntime.', { cause: e });
}

/** An onnxruntime-web build with session creation failures explained. */
function explained(build: typeof ort): OrtModule {
  return {
    Tensor: build.Tensor,
    InferenceSession: {
      create: async (...args: unknown[]) => {
        try {
          return await (build.InferenceSession.create as (...a: unknown[]) => Promise<unknown>)(...args);
        } catch (e) {
          throw startupError(e);
        }
      },
    } as unknown as OrtModule['InferenceSession'],
  };
}

const webGpuOrt = explained(ortWebGpu);

const runtimes: Record<BrowserExecutionProvider, Runtime> = {
  // WASM threads stop spinning when a run returns, as Node's do (see nodeRuntimeWithThreads):
  // the app runs several sessions in turn. One call alone timed within 4 % either way.
  wasm: { ort: explained(ort), sessionOptions: { graphOptimizationLevel: 'all', executionProviders: ['wasm'], extra: { session: { force_spinning_stop: '1' } } }, memoryBudget: 512 * MiB, maxPoolIndices: true },
  // Nodes WebGPU has no kernel for (shape arithmetic, mostly) fall back to the WASM CPU kernels
  // inside onnxruntime-web, which it reports as a warning on the console for every such graph:
  // only errors are logged.
  webgpu: {
    ort: webGpuOrt, sessionOptions: { graphOptimizationLevel: 'all', executionProviders: ['webgpu'], logSeverityLevel: 3 }, memoryBudget: 512 * MiB, maxPoolIndices: false,
  },
};

/**
 * The WebGPU build's own WebAssembly CPU kernels: the reference a model opened on WebGPU is
 * checked against (see webgpu-check.ts), and what it runs on when WebGPU disagrees, without
 * starting a second onnxruntime-web build in the page.
 */
export const webGpuBuildCpu: Runtime = {
  ort: webGpuOrt, sessionOptions: { graphOptimizationLevel: 'all', executionProviders: ['wasm'] }, memoryBudget: 512 * MiB, maxPoolIndices: true,
};

/** The runtime for an execution provider; `BAD_OPTION` for an unknown one or WebGPU where the browser lacks it. */
export function browserRuntime(executionProvider: BrowserExecutionProvider = 'wasm'): Runtime {
  if (!Object.hasOwn(runtimes, executionProvider)) {
    throw new ConvlensError('BAD_OPTION', `Unknown execution provider "${String(executionProvider)}"; use 'wasm' or 'webgpu'.`);
  }
  if (executionProvider === 'webgpu' && !page.navigator?.gpu) {
    throw new ConvlensError('BAD_OPTION', "This browser has no WebGPU (navigator.gpu is missing); use executionProvider 'wasm', or a browser with WebGPU enabled.");
  }
  return runtimes[executionProvider];
}
