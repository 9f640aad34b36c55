/**
 * A small static file server for browser tests: maps URL prefixes to folders and sends the
 * MIME types browsers insist on (ES modules as text/javascript, WebAssembly as
 * application/wasm for streaming compilation).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, resolve, sep } from 'node:path';

const mimeTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.png': 'image/png',
  '.onnx': 'application/octet-stream',
  '.bin': 'application/octet-stream',
};

export interface StaticServer {
  /** Base URL, ending in `/`. */
  url: string;
  close(): Promise<void>;
}

/**
 * Headers that make pages cross-origin isolated, so they get SharedArrayBuffer and with it
 * onnxruntime-web's WASM threads.
 */
export const crossOriginIsolation = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp' };

/**
 * Serves `routes` (URL prefix ending in `/` -> folder) on 127.0.0.1 at a free port, adding
 * `headers` to every file sent. A request for a prefix itself serves the folder's index.html.
 */
export async function startStaticServer(routes: Record<string, string>, headers: Record<string, string> = {}): Promise<StaticServer> {
  const server = createServer(async (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const prefix = Object.keys(routes).filter((p) => path.startsWith(p)).sort((a, b) => b.length - a.length)[0];
    const root = prefix === undefined ? undefined : resolve(routes[prefix]);
    const file = root && resolve(root, `.${sep}${path.slice(prefix!.length) || 'index.html'}`);
    // resolve() collapses '..', so a path that leaves the folder is refused here.
    const inside = root !== undefined && file !== undefined && file.startsWith(root + sep);
    const info = inside ? await stat(file).catch(() => null) : null;
    if (!info?.isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end(`not found: ${path}`);
      return;
    }
    res.writeHead(200, {
      ...headers,
      'content-type': mimeTypes[extname(file!)] ?? 'application/octet-stream',
      'content-length': info.size,
      'cache-control': 'no-store',
    });
    createReadStream(file!).pipe(res);
  });
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () => new Promise((ok) => { server.closeAllConnections(); server.close(() => ok()); }),
  };
}
