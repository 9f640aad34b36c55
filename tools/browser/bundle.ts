/**
 * Bundles the browser entry (src/browser/index.ts, with onnxruntime-web) into one ES module
 * under .cache/browser/, so browser tests run the same source the package ships. The
 * WebAssembly files stay out of the bundle: pages serve node_modules/onnxruntime-web/dist/
 * and pass its URL as `wasmPaths`.
 */
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const bundleDir = fileURLToPath(new URL('../../.cache/browser/', import.meta.url));

/** Builds `.cache/browser/convlens.js` (with a source map) and returns its path. */
export async function bundleBrowserEntry(): Promise<string> {
  const outfile = `${bundleDir}convlens.js`;
  await build({
    entryPoints: [`${repoRoot}src/browser/index.ts`],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    sourcemap: true,
    logLevel: 'error',
  });
  return outfile;
}
