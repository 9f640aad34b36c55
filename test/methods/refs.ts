/** PyTorch reference fixtures: test/fixtures/refs/<model>.json locates float32 arrays (offsets in elements) in <model>.bin. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';

export const fixtureDir = new URL('../fixtures/', import.meta.url);

export interface Refs {
  json: {
    inputShape: number[];
    numClasses: number;
    targets: number[];
    layer: string;
    layerTensorShape: number[];
    exports: Record<string, { file: string; opset: number }>;
    [key: string]: unknown;
  };
  array(name: string): FloatTensor;
}

export function loadRefs(model: string): Refs {
  const json = JSON.parse(readFileSync(new URL(`refs/${model}.json`, fixtureDir), 'utf8'));
  const bin = readFileSync(new URL(`refs/${model}.bin`, fixtureDir));
  return {
    json,
    array(name: string) {
      const a = json.arrays[name] as { shape: number[]; offset: number; length: number } | undefined;
      if (!a) throw new Error(`fixture ${model} has no array ${name}`);
      const data = new Float32Array(a.length);
      for (let i = 0; i < a.length; i++) data[i] = bin.readFloatLE(4 * (a.offset + i));
      return { data, shape: a.shape };
    },
  };
}

export function modelPath(file: string): string {
  return new URL(file, fixtureDir).pathname;
}

/** Asserts equal shapes and values within `rel` of the reference's largest magnitude. */
export function expectClose(actual: FloatTensor, expected: FloatTensor, rel: number, what: string): void {
  expect(actual.shape, `${what} shape`).toEqual(expected.shape);
  let scale = 0;
  for (const v of expected.data) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const d = Math.abs(actual.data[i] - expected.data[i]);
    if (!(d <= worst)) { worst = d; at = i; }
  }
  expect(worst, `${what}: largest difference ${worst} at ${at} (got ${actual.data[at]}, PyTorch ${expected.data[at]}, scale ${scale})`)
    .toBeLessThanOrEqual(rel * Math.max(scale, 1e-6));
}
