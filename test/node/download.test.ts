/** Downloads that fail instead of hanging: connect and idle timeouts, progress, and URL schemes convlens does not fetch. */
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConvlensError } from '../../src/errors.js';
import { readModelSource } from '../../src/node/model-source.js';
import { fixtureModel, listFiles, tempDir } from '../cli/cli-harness.js';

const modelBytes = readFileSync(fixtureModel('tiny_cnn.legacy'));
const hanging: ServerResponse[] = [];

/** /silent never answers; /stall sends half the model and stops; /slow sends it in three pieces. */
function serve(): Server {
  return createServer((req, res) => {
    if (req.url === '/silent.onnx') {
      hanging.push(res);
      return;
    }
    res.writeHead(200, { 'content-length': String(modelBytes.length) });
    if (req.url === '/stall.onnx') {
      res.write(modelBytes.subarray(0, 1000));
      hanging.push(res);
      return;
    }
    const third = Math.ceil(modelBytes.length / 3);
    res.write(modelBytes.subarray(0, third));
    setTimeout(() => res.write(modelBytes.subarray(third, 2 * third)), 30);
    setTimeout(() => res.end(modelBytes.subarray(2 * third)), 60);
  });
}

async function errorOf(p: Promise<unknown>): Promise<ConvlensError> {
  const e = await p.then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(ConvlensError);
  return e as ConvlensError;
}

describe('downloads', () => {
  let server: Server;
  let base: string;
  beforeAll(async () => {
    server = serve();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    for (const res of hanging) res.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('a server that never answers fails after the connect timeout', async () => {
    const started = Date.now();
    const e = await errorOf(readModelSource(`${base}/silent.onnx`, { cacheDir: tempDir(), timeoutMs: 300 }));
    expect(e.code).toBe('DOWNLOAD_FAILED');
    expect(e.message).toMatch(/did not answer within 0\.3 s.*--download-timeout/);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a server that stops sending fails after the idle timeout, and nothing is cached', async () => {
    const cacheDir = tempDir();
    const e = await errorOf(readModelSource(`${base}/stall.onnx`, { cacheDir, timeoutMs: 300 }));
    expect(e.code).toBe('DOWNLOAD_FAILED');
    expect(e.message).toMatch(/did not send more data within 0\.3 s/);
    expect(listFiles(cacheDir)).toEqual([]);
  });

  it('reports progress up to the full size and returns the exact bytes', async () => {
    const seen: [number, number | null][] = [];
    const source = await readModelSource(`${base}/slow.onnx`, { cacheDir: tempDir(), timeoutMs: 5000, onProgress: (r, t) => seen.push([r, t]) });
    expect(Buffer.from(source.bytes).equals(modelBytes)).toBe(true);
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.at(-1)).toEqual([modelBytes.length, modelBytes.length]);
    expect(seen.every(([r], i) => i === 0 || r > seen[i - 1][0])).toBe(true);
  });

  it('ftp:// and other schemes are refused, not read as paths', async () => {
    const e = await errorOf(readModelSource('ftp://example.org/m.onnx', { cacheDir: tempDir() }));
    expect(e.code).toBe('BAD_OPTION');
    expect(e.message).toMatch(/http\(s\) URLs and reads files/);
  });
});
