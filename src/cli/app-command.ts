/**
 * `convlens app`: serves the web app on 127.0.0.1 (the compute runs in the browser; the
 * server only sends files), or with `--build DIR` writes it as a static folder anyone can
 * host with two headers.
 */
import { spawn } from 'node:child_process';
import { cp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { ConvlensError } from '../errors.js';
import { appHeaders, demoModelsDir, findAppDir, startAppServer, type AppServer } from './app-server.js';
import { defineCommand, parseCommandLine, usageError } from './command-line.js';

export const appSpec = defineCommand({
  name: 'app',
  summary: 'Serves the web app on 127.0.0.1: open any ONNX CNN in the browser, look inside it and explain it, with nothing uploaded. '
    + '--build DIR writes it as a static site instead.',
  flags: {
    port: { type: 'string', value: 'N', help: 'port to serve on (default: a free one)' },
    open: { type: 'boolean', help: 'open the app in the default browser' },
    build: { type: 'string', value: 'DIR', help: 'write the app and the demo models to DIR (new or empty) as static files, and exit' },
  },
  notes: [
    'The server sends Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp, which WASM threads need;',
    'a static host must send them too (the build writes them to DIR/_headers, the format Netlify and Cloudflare Pages read).',
    'Open a model by dropping it on the page, with the file picker, or as ?model=URL.',
  ],
});

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text.trim()) || port < 0 || port > 65535) throw usageError('app', `--port must be a number from 0 to 65535; got "${text}".`);
  return port;
}

/** The `_headers` file of static hosts that read one: the same headers the local server sends. */
const headersFile = `/*\n${Object.entries(appHeaders).map(([k, v]) => `  ${k}: ${v}`).join('\n')}\n`;

/**
 * Copies the app (default: the package's build) and the demo models into `dir` through a
 * temporary sibling folder, so a failure leaves nothing behind.
 */
export async function buildStaticApp(dir: string, appDir?: string): Promise<string> {
  const target = resolve(dir);
  const existing = await readdir(target).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(e)));
  if (existing && existing.length > 0) {
    throw new ConvlensError('OUTPUT_UNWRITABLE', `${target} is not empty; give a new or empty folder to --build so nothing in it is overwritten.`);
  }
  const temp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
  try {
    await cp(appDir ?? findAppDir(), temp, { recursive: true, filter: (src) => !src.endsWith('.map') });
    await cp(demoModelsDir, join(temp, 'models'), { recursive: true });
    await writeFile(join(temp, '_headers'), headersFile);
    if (existing) await rm(target, { recursive: true });
    await rename(temp, target);
  } catch (e) {
    await rm(temp, { recursive: true, force: true });
    if (e instanceof ConvlensError) throw e;
    throw new ConvlensError('OUTPUT_UNWRITABLE', `Cannot write the app to ${target}: ${(e as Error).message}. Choose another folder with --build.`, { cause: e });
  }
  return target;
}

/** Serves the built app (default: the package's build) with the demo models under /models/. */
export function serveApp(port = 0, appDir?: string): Promise<AppServer> {
  return startAppServer({ '/': appDir ?? findAppDir(), '/models/': demoModelsDir }, port);
}

function openInBrowser(url: string): void {
  const [command, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  spawn(command, args as string[], { detached: true, stdio: 'ignore' }).on('error', () => undefined).unref();
}

export async function appCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const args = parseCommandLine(appSpec, argv, print);
  if (!args) return;
  const { values } = args;
  if (values.build !== undefined) {
    if (values.port !== undefined || values.open) throw usageError('app', '--build writes files and serves nothing; leave out --port and --open.');
    print(`wrote the app to ${await buildStaticApp(values.build)}`);
    return;
  }
  const server = await serveApp(values.port === undefined ? 0 : parsePort(values.port));
  print(`convlens app: ${server.url} (Ctrl+C to stop)`);
  if (values.open) openInBrowser(server.url);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await server.close();
}
