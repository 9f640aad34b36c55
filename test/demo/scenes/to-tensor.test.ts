/** toTensor: channel-planar [N, 3, H, W] floats in [0, 1], in the pictures' order. */
import { describe, expect, it } from 'vitest';
import { ConvlensError } from '../../../src/errors.js';
import { toTensor } from '../../../src/demo/scenes/to-tensor.js';

describe('toTensor', () => {
  it('splits interleaved RGB bytes into channel planes scaled to [0, 1]', () => {
    const a = { width: 2, height: 1, data: new Uint8ClampedArray([255, 0, 51, 102, 204, 0]) };
    const b = { width: 2, height: 1, data: new Uint8ClampedArray([0, 0, 0, 255, 255, 255]) };
    const t = toTensor([a, b]);
    expect(t.shape).toEqual([2, 3, 1, 2]);
    expect(Array.from(t.data)).toEqual([1, 0.4, 0, 0.8, 0.2, 0, 0, 1, 0, 1, 0, 1].map((v) => Math.fround(v)));
  });

  it('refuses an empty list and mixed sizes', () => {
    expect(() => toTensor([])).toThrow(ConvlensError);
    const small = { width: 1, height: 1, data: new Uint8ClampedArray(3) };
    const wide = { width: 2, height: 1, data: new Uint8ClampedArray(6) };
    expect(() => toTensor([small, wide])).toThrow(/same-sized/);
  });
});
