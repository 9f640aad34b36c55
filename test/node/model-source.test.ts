import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConvlensError } from '../../src/errors.js';
import { defaultCacheDir, readModelSource } from '../../src/node/model-source.js';
import { tensorToFloat32 } from '../../src/onnx/tensor.js';
import { decodeModel } from '../../src/onnx/codec.js';
import { externalDataModel } from '../onnx/external-data-model.js';

const fixturePath = new URL('../fixtures/models/tiny_cnn.legacy.onnx', import.meta.url).pathname;
const fixtureBytes = readFileSync(fixturePath);
const dirs: string[] = [];
const tempDir = (): string => { const d = mkdtempSync(join(tmpdir(), 'convlens-model-source-')); dirs.push(d); return d; };

async function errorOf(p: Promise<unknown>): Promise<ConvlensError> {
  try { await p; } catch (e) { if (e instanceof ConvlensError) return e; throw e; }
  throw new Error('expected a ConvlensError');
}

afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

describe('model files', () => {
  it('reads a model by relative path, file URL and bytes', async () => {
    const byPath = await readModelSource(relative(process.cwd(), fixturePath));
    expect(byPath.label).toBe(fixturePath);
    expect(byPath.bytes).toEqual(new Uint8Array(fixtureBytes));
    expect(byPath.model.graph.nodes.map((n) => n.opType)).toEqual(['Conv', 'Relu', 'Conv', 'Relu', 'GlobalAveragePool', 'Flatten', 'Gemm']);
    const byUrl = await readModelSource(pathToFileURL(fixturePath).href);
    expect(byUrl.model.graph.nodes.length).toBe(7);
    const byBytes = await readModelSource(new Uint8Array(fixtureBytes));
    expect(byBytes.label).toBe('the model bytes');
    expect(tensorToFloat32(byBytes.model.graph.initializers.get('fc.bias')!)).toEqual(tensorToFloat32(byPath.model.graph.initializers.get('fc.bias')!));
  });

  it('reads weights correctly from a Buffer, whose slices share memory', async () => {
    const fromBuffer = await readModelSource(readFileSync(fixturePath));
    const bias = (m: typeof fromBuffer) => [...tensorToFloat32(m.model.graph.initializers.get('conv2.bias')!)];
    const expected = bias(await readModelSource(fixturePath));
    expect(expected).toHaveLength(6);
    expect(bias(fromBuffer)).toEqual(expected);
  });

  it('reports a missing file with its absolute path, and a directory', async () => {
    const dir = tempDir();
    const missing = await errorOf(readModelSource(join(dir, 'nope.onnx')));
    expect(missing.code).toBe('MODEL_NOT_FOUND');
    expect(missing.message).toContain(join(dir, 'nope.onnx'));
    const folder = await errorOf(readModelSource(dir));
    expect(folder.code).toBe('MODEL_UNREADABLE');
    expect(folder.message).toContain('is a directory');
  });

  it('refuses bytes that are not ONNX', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'junk.onnx'), Buffer.from('this is not a protobuf \xff\xff\xff\xff\xff'));
    const fromFile = await errorOf(readModelSource(join(dir, 'junk.onnx')));
    expect(fromFile.code).toBe('NOT_ONNX');
    expect(fromFile.message).toContain(join(dir, 'junk.onnx'));
    expect((await errorOf(readModelSource(new Uint8Array([1, 2, 3, 4, 5])))).code).toBe('NOT_ONNX');
  });
});

describe('external data', () => {
  it('loads weights from data files next to the model, and the bytes run in onnxruntime', async () => {
    const dir = tempDir();
    const { model, data } = externalDataModel();
    writeFileSync(join(dir, 'm.onnx'), model);
    writeFileSync(join(dir, 'weights.bin'), data);
    const src = await readModelSource(join(dir, 'm.onnx'));
    const w = src.model.graph.initializers.get('w')!;
    expect(w.external).toBeUndefined();
    expect([...tensorToFloat32(w)]).toEqual([1, 2, 3, 4]);
    const session = await ort.InferenceSession.create(src.bytes);
    try {
      const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, -1, 0.5, 2]), [1, 4]) });
      expect([...(out.y.data as Float32Array)]).toEqual([1.5, -3, 11.5, 8.25]);
    } finally {
      await session.release();
    }
  });

  it('names the missing data file and the tensor that needs it', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'm.onnx'), externalDataModel().model);
    const e = await errorOf(readModelSource(join(dir, 'm.onnx')));
    expect(e.code).toBe('EXTERNAL_DATA_MISSING');
    expect(e.message).toContain(join(dir, 'weights.bin'));
    expect(e.message).toContain('tensor "w" and 1 other tensor');
  });

  it('asks for the path when bytes refer to external data', async () => {
    const e = await errorOf(readModelSource(externalDataModel().model));
    expect(e.code).toBe('EXTERNAL_DATA_MISSING');
    expect(e.message).toContain('Pass the path of the .onnx file');
  });

  it('refuses data files outside the model folder and truncated ones', async () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'sub'));
    writeFileSync(join(dir, 'sub', 'm.onnx'), externalDataModel('../weights.bin').model);
    writeFileSync(join(dir, 'weights.bin'), externalDataModel().data);
    const outside = await errorOf(readModelSource(join(dir, 'sub', 'm.onnx')));
    expect(outside.code).toBe('MODEL_UNREADABLE');
    expect(outside.message).toContain('not a relative path inside the model\'s folder');
    writeFileSync(join(dir, 'm.onnx'), externalDataModel().model);
    writeFileSync(join(dir, 'weights.bin'), externalDataModel().data.subarray(0, 40));
    const short = await errorOf(readModelSource(join(dir, 'm.onnx')));
    expect(short.code).toBe('MODEL_UNREADABLE');
    expect(short.message).toMatch(/Tensor "b" \[4\] needs 16 bytes at offset 32 .* the file has 40/);
  });
});

describe('downloads', () => {
  let server: Server;
  let base = '';
  const hits: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      hits.push(req.url ?? '');
      if (req.url === '/tiny.onnx') res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(fixtureBytes);
      else if (req.url === '/ext/m.onnx') res.writeHead(200).end(externalDataModel().model);
      else if (req.url === '/ext/weights.bin') res.writeHead(200).end(externalDataModel().data);
      else if (req.url === '/lonely/m.onnx') res.writeHead(200).end(externalDataModel().model);
      else if (req.url === '/page.html') res.writeHead(200, { 'content-type': 'text/html' }).end('<html>Sign in to download</html>');
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not here');
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => { await new Promise((done) => server.close(done)); });

  it('downloads once into the cache, named by the URL hash, with no temporary files left', async () => {
    const cacheDir = join(tempDir(), 'cache');
    const url = `${base}/tiny.onnx`;
    const first = await readModelSource(url, { cacheDir });
    expect(first.label).toBe(url);
    expect(first.bytes).toEqual(new Uint8Array(fixtureBytes));
    const second = await readModelSource(new URL(url), { cacheDir });
    expect(second.model.graph.nodes.length).toBe(7);
    expect(hits.filter((h) => h === '/tiny.onnx')).toHaveLength(1);
    expect(readdirSync(cacheDir)).toEqual([`${createHash('sha256').update(url).digest('hex')}.onnx`]);
  });

  it('downloads external data files from next to the model URL, once', async () => {
    const cacheDir = join(tempDir(), 'cache');
    const url = `${base}/ext/m.onnx`;
    for (let i = 0; i < 2; i++) {
      const src = await readModelSource(url, { cacheDir });
      expect([...tensorToFloat32(src.model.graph.initializers.get('w')!)]).toEqual([1, 2, 3, 4]);
      expect(decodeModel(src.bytes).graph.initializers.get('b')!.external).toBeUndefined();
    }
    expect(hits.filter((h) => h.startsWith('/ext/'))).toEqual(['/ext/m.onnx', '/ext/weights.bin']);
    expect(readdirSync(cacheDir).sort()).toEqual([`${createHash('sha256').update(`${base}/ext/weights.bin`).digest('hex')}.data`, `${createHash('sha256').update(url).digest('hex')}.onnx`].sort());
    const missing = await errorOf(readModelSource(`${base}/lonely/m.onnx`, { cacheDir }));
    expect(missing.code).toBe('EXTERNAL_DATA_MISSING');
    expect(missing.message).toContain(`${base}/lonely/weights.bin failed: HTTP 404`);
    expect(missing.message).toContain('tensor "w"');
  });

  it('reports HTTP errors with their status, and caches nothing that is not ONNX', async () => {
    const cacheDir = join(tempDir(), 'cache');
    const e = await errorOf(readModelSource(`${base}/missing.onnx`, { cacheDir }));
    expect(e.code).toBe('DOWNLOAD_FAILED');
    expect(e.message).toContain('HTTP 404 Not Found');
    const page = await errorOf(readModelSource(`${base}/page.html`, { cacheDir }));
    expect(page.code).toBe('NOT_ONNX');
    expect(() => readdirSync(cacheDir)).toThrow();
  });

  it('reports network failures, through the fetch it is given', async () => {
    const failing: typeof fetch = async () => { throw new TypeError('connect ECONNREFUSED 127.0.0.1:9'); };
    const e = await errorOf(readModelSource('https://models.invalid/m.onnx', { cacheDir: tempDir(), fetch: failing }));
    expect(e.code).toBe('DOWNLOAD_FAILED');
    expect(e.message).toContain('ECONNREFUSED');
  });

  it('caches under $XDG_CACHE_HOME/convlens by default', () => {
    const saved = process.env.XDG_CACHE_HOME;
    try {
      process.env.XDG_CACHE_HOME = '/tmp/xdg-test';
      expect(defaultCacheDir()).toBe('/tmp/xdg-test/convlens');
      delete process.env.XDG_CACHE_HOME;
      expect(defaultCacheDir()).toMatch(/\.cache\/convlens$/);
    } finally {
      if (saved === undefined) delete process.env.XDG_CACHE_HOME; else process.env.XDG_CACHE_HOME = saved;
    }
  });
});
