/**
 * Builds the web app into one static folder (dist/webapp/ by default): the page, its
 * script, the compute worker with onnxruntime-web bundled in, and onnxruntime-web's
 * WebAssembly files under ort/, so the app never fetches anything from another origin.
 * `npm run build` runs it; `convlens app` serves the folder and `convlens app --build`
 * copies it with the demo models.
 */
import { build } from 'esbuild';
import { copyFile, mkdir, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
export const defaultAppDir = `${root}dist/webapp/`;

/**
 * The onnxruntime-web builds the worker loads (src/app/worker-models.ts): the plain WASM one
 * on the WASM backend, the WebGPU one (src/browser/runtime.ts says why not JSEP) on WebGPU.
 */
export const ortFiles = ['ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm', 'ort-wasm-simd-threaded.asyncify.mjs', 'ort-wasm-simd-threaded.asyncify.wasm'];

/** Writes the app to `outDir` (emptied first) and returns it. */
export async function bundleApp(outDir = defaultAppDir): Promise<string> {
  await rm(outDir, { recursive: true, force: true });
  await mkdir(`${outDir}ort`, { recursive: true });
  await build({
    entryPoints: { app: `${root}src/app/main.ts`, worker: `${root}src/app/worker.ts` },
    outdir: outDir,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: true,
    logLevel: 'error',
    // onnxruntime-web's variant that loads its WebAssembly module from wasmPaths, so the worker picks the build per backend.
    conditions: ['onnxruntime-web-use-extern-wasm'],
  });
  for (const file of ['index.html', 'app.css']) await copyFile(`${root}src/app/${file}`, `${outDir}${file}`);
  for (const file of ortFiles) await copyFile(`${root}node_modules/onnxruntime-web/dist/${file}`, `${outDir}ort/${file}`);
  return outDir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await bundleApp(process.argv[2]);
}
