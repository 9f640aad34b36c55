import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readModelSource } from '../../src/browser/model-source.js';
import { ConvlensError } from '../../src/errors.js';
import { decodeModel } from '../../src/onnx/codec.js';
import { tensorToFloat32 } from '../../src/onnx/tensor.js';
import { externalDataModel } from '../onnx/external-data-model.js';

const fixture = new Uint8Array(readFileSync(new URL('../fixtures/models/tiny_cnn.legacy.onnx', import.meta.url)));

async function errorOf(p: Promise<unknown>): Promise<ConvlensError> {
  try { await p; } catch (e) { if (e instanceof ConvlensError) return e; throw e; }
  throw new Error('expected a ConvlensError');
}

/** A fetch over an in-memory site, recording the URLs asked for. */
function site(files: Record<string, Uint8Array>, asked: string[] = []): typeof fetch {
  return async (input) => {
    const url = String(input instanceof Request ? input.url : input);
    asked.push(url);
    const body = files[url];
    return body ? new Response(new Blob([body as Uint8Array<ArrayBuffer>])) : new Response('not here', { status: 404, statusText: 'Not Found' });
  };
}

describe('browser model sources', () => {
  it('reads Files, Blobs, ArrayBuffers and Uint8Arrays', async () => {
    const file = await readModelSource(new File([fixture], 'tiny.onnx'));
    expect(file.label).toBe('tiny.onnx');
    expect(file.model.graph.nodes).toHaveLength(7);
    expect((await readModelSource(new Blob([fixture]))).label).toBe('the model file');
    const buffer = await readModelSource(fixture.slice().buffer);
    expect(buffer.bytes).toEqual(fixture);
    expect((await errorOf(readModelSource(new Blob([new Uint8Array([9, 9, 9])])))).code).toBe('NOT_ONNX');
  });

  it('fetches a URL and the external data next to it', async () => {
    const { model, data } = externalDataModel();
    const asked: string[] = [];
    const fetch = site({ 'https://example.test/m/model.onnx': model, 'https://example.test/m/weights.bin': data }, asked);
    const src = await readModelSource('https://example.test/m/model.onnx', { fetch });
    expect(asked).toEqual(['https://example.test/m/model.onnx', 'https://example.test/m/weights.bin']);
    expect([...tensorToFloat32(src.model.graph.initializers.get('b')!)]).toEqual([0.5, -1, 10, 0.25]);
    const selfContained = decodeModel(src.bytes, 'reencoded').graph.initializers.get('w')!;
    expect(selfContained.external).toBeUndefined();
    expect([...tensorToFloat32(selfContained)]).toEqual([1, 2, 3, 4]);
  });

  it('reports failed requests and missing data files', async () => {
    const missing = await errorOf(readModelSource(new URL('https://example.test/none.onnx'), { fetch: site({}) }));
    expect(missing.code).toBe('DOWNLOAD_FAILED');
    expect(missing.message).toContain('HTTP 404 Not Found');
    const { model } = externalDataModel();
    const noData = await errorOf(readModelSource('https://example.test/model.onnx', { fetch: site({ 'https://example.test/model.onnx': model }) }));
    expect(noData.code).toBe('EXTERNAL_DATA_MISSING');
    expect(noData.message).toContain('https://example.test/weights.bin');
    const bytes = await errorOf(readModelSource(model));
    expect(bytes.code).toBe('EXTERNAL_DATA_MISSING');
    expect(bytes.message).toContain('save it as one file');
  });
});
