import { describe, expect, it } from 'vitest';
import { overlayHeatmap, saliencyToImage } from '../../src/image/overlay.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';

const flat = (w: number, h: number, rgb: number[]): RgbImage =>
  ({ width: w, height: h, data: new Uint8ClampedArray(w * h * 3).map((_, i) => rgb[i % 3]) });

describe('overlayHeatmap', () => {
  it('blends (1 - alpha) * image + alpha * jet(map)', () => {
    const img = flat(2, 1, [100, 100, 100]);
    // jet(0) = (0, 0, 128), jet(1) = (128, 0, 0); alpha 0.5 -> (50, 50, 114) and (114, 50, 50)
    const out = overlayHeatmap(img, new Float32Array([0, 1]), { colormap: 'jet', alpha: 0.5 });
    expect(Array.from(out.data)).toEqual([50, 50, 114, 114, 50, 50]);
    // alpha 0.25 over white with gray(0.5) = 128: 0.75 * 255 + 0.25 * 128 = 223.25
    const g = overlayHeatmap(flat(1, 1, [255, 255, 255]), new Float32Array([0.5]), { alpha: 0.25, colormap: 'gray' });
    expect(Array.from(g.data)).toEqual([223, 223, 223]);
  });

  it('alpha 0 returns the photo and alpha 1 the heatmap; map values are clamped', () => {
    const img = flat(2, 1, [10, 20, 30]);
    expect(Array.from(overlayHeatmap(img, new Float32Array([0.3, 0.9]), { alpha: 0 }).data)).toEqual([10, 20, 30, 10, 20, 30]);
    expect(Array.from(overlayHeatmap(img, new Float32Array([-2, 5]), { alpha: 1, colormap: 'jet' }).data)).toEqual([0, 0, 128, 128, 0, 0]);
    // Defaults: viridis (its ends are matplotlib's #440154 and #fde725) at opacity 0.4.
    const white = { width: 2, height: 1, data: new Uint8ClampedArray(6).fill(255) };
    expect(Array.from(overlayHeatmap(white, new Float32Array([0, 1])).data)).toEqual([0x44, 0x01, 0x54, 0xfd, 0xe7, 0x25].map((c) => Math.round(0.6 * 255 + 0.4 * c)));
  });

  it('requires a map of the image size and a valid alpha', () => {
    const img = flat(2, 2, [0, 0, 0]);
    expect(() => overlayHeatmap(img, new Float32Array(3))).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => overlayHeatmap(img, new Float32Array(4), { alpha: 2 })).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
  });
});

describe('saliencyToImage', () => {
  // [C=3, H=1, W=2] gradient; |g| values: R 0.5 1, G 0 2, B 2 0.25
  const grad = new Float32Array([0.5, -1, 0, 2, -2, 0.25]);

  it('color: signed gradient around gray, 100th percentile |g| = 2 at full range', () => {
    const img = saliencyToImage(grad, [3, 1, 2], { mode: 'color', percentile: 100 });
    // 127.5 + 127.5 * g / 2: R 0.5 -> 159.4, -1 -> 63.75; G 0 -> 127.5, 2 -> 255; B -2 -> 0, 0.25 -> 143.4
    expect(Array.from(img.data)).toEqual([159, 128, 0, 64, 255, 143]);
  });

  it('gray: max |g| over channels, scaled by its percentile and clipped', () => {
    // magnitudes: pixel 0 max(0.5, 0, 2) = 2, pixel 1 max(1, 2, 0.25) = 2
    expect(Array.from(saliencyToImage(grad, [3, 1, 2], { mode: 'gray', percentile: 100 }).data)).toEqual([255, 255, 255, 255, 255, 255]);
    // sum instead: 2.5 and 3.25; 100th percentile 3.25 -> 2.5 / 3.25 * 255 = 196.2
    expect(Array.from(saliencyToImage(grad, [3, 1, 2], { mode: 'gray', reduce: 'sum', percentile: 100 }).data))
      .toEqual([196, 196, 196, 255, 255, 255]);
  });

  it('the default 99th percentile stops one outlier from darkening the rest', () => {
    const n = 200;
    const g = new Float32Array(n).fill(1);
    g[7] = 1000;
    const img = saliencyToImage(g, [1, 1, n], { mode: 'gray' });
    // 99th percentile of 199 ones and one 1000 is 1: everything saturates
    expect(img.data.every((v) => v === 255)).toBe(true);
  });

  it('abs: per-channel magnitude as colour', () => {
    // 255 * |g| / 2: R 63.75 127.5; G 0 255; B 255 31.9
    expect(Array.from(saliencyToImage(grad, [3, 1, 2], { mode: 'abs', percentile: 100 }).data)).toEqual([64, 0, 255, 128, 255, 32]);
  });

  it('swaps BGR gradients back to RGB and spreads a single channel to gray', () => {
    const bgr = saliencyToImage(grad, [3, 1, 2], { mode: 'abs', percentile: 100, channelOrder: 'BGR' });
    expect(Array.from(bgr.data)).toEqual([255, 0, 64, 32, 255, 128]);
    const one = saliencyToImage(new Float32Array([1, -1]), [1, 1, 2], { mode: 'color', percentile: 100 });
    expect(Array.from(one.data)).toEqual([255, 255, 255, 0, 0, 0]);
  });

  it('renders an all-zero gradient as flat gray / black and rejects bad shapes', () => {
    expect(Array.from(saliencyToImage(new Float32Array(6), [3, 1, 2]).data)).toEqual([128, 128, 128, 128, 128, 128]);
    expect(Array.from(saliencyToImage(new Float32Array(6), [3, 1, 2], { mode: 'gray' }).data)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(() => saliencyToImage(new Float32Array(6), [2, 1, 3])).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => saliencyToImage(new Float32Array(6), [3, 2, 2])).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});
