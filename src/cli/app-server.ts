/**
 * The web app's file server: the built app and the demo models, on 127.0.0.1 only, with the
 * headers that make the page cross-origin isolated (so onnxruntime-web gets WASM threads)
 * and that let its worker load every file. It only serves files; the compute runs in the browser.
 */
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConvlensError } from '../errors.js';

/** Every response carries these: isolation for SharedArrayBuffer, and same-origin resources. */
export const appHeaders: Readonly<Record<string, string>> = {
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-embedder-policy': 'require-corp',
  'cross-origin-resource-policy': 'same-origin',
  'x-content-type-options': 'nosniff',
};

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
};

/** The package's demo models (the same files `convlens demo` opens). */
export const demoModelsDir = fileURLToPath(new URL('../../models/', import.meta.url));

/**
 * The built app: dist/webapp/ next to the compiled CLI, or the repository's dist/webapp/ when
 * the CLI runs from source; `APP_NOT_BUILT` says how to build it.
 */
export function findAppDir(): string {
  const candidates = ['../webapp/', '../../dist/webapp/'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const found = candidates.find((dir) => existsSync(`${dir}index.html`) && existsSync(`${dir}worker.js`));
  if (!found) {
    throw new ConvlensError('APP_NOT_BUILT',
      `The web app is not built (looked for index.html and worker.js in ${candidates.join(' and ')}). Run \`npm run build\` in the convlens folder first.`);
  }
  return found;
}

export interface AppServer {
  /** Base URL, ending in `/`. */
  url: string;
  close(): Promise<void>;
}

/** Serves `routes` (URL prefix ending in `/` -> folder) on 127.0.0.1 at `port` (0: any free port). */
export async function startAppServer(routes: Record<string, string>, port = 0): Promise<AppServer> {
  const roots = Object.entries(routes).map(([prefix, dir]) => [prefix, resolve(dir)] as const).sort((a, b) => b[0].length - a[0].length);
  const server = createServer(async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { ...appHeaders, allow: 'GET, HEAD' }).end();
      return;
    }
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      res.writeHead(400, appHeaders).end();
      return;
    }
    const route = roots.find(([prefix]) => path.startsWith(prefix));
    const file = route && resolve(route[1], `.${sep}${path.slice(route[0].length) || 'index.html'}`);
    // resolve() collapses '..', so a path leaving the folder is refused here.
    const info = route && file!.startsWith(route[1] + sep) ? await stat(file!).catch(() => null) : null;
    if (!info?.isFile()) {
      res.writeHead(404, { ...appHeaders, 'content-type': 'text/plain; charset=utf-8' }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, {
      ...appHeaders,
      'content-type': mimeTypes[extname(file!)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-cache',
    });
    if (req.method === 'HEAD') res.end();
    else createReadStream(file!).pipe(res);
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => fail(e.code === 'EADDRINUSE'
      ? new ConvlensError('BAD_OPTION', `Port ${port} is already in use on 127.0.0.1; choose another with --port, or leave --port out to take a free one.`)
      : e));
    server.listen(port, '127.0.0.1', ok);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}/`,
    close: () => new Promise((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}
