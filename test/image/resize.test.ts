import { describe, expect, it } from 'vitest';
import { bilinearMatrix, resizeMap } from '../../src/image/resize.js';
import { centerCrop, resizeAndCrop, resizeImage, resizeShorterSide } from '../../src/preprocess/resize-image.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';

/** Deterministic test picture: channel value from coordinates (same formula as the PyTorch reference script). */
function pattern(w: number, h: number): RgbImage {
  const data = new Uint8ClampedArray(w * h * 3);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let c = 0; c < 3; c++) {
    data[(y * w + x) * 3 + c] = (x * 37 + y * 91 + c * 53 + x * y * 7) % 256;
  }
  return { width: w, height: h, data };
}

function gray(values: number[], w: number, h: number): RgbImage {
  const data = new Uint8ClampedArray(w * h * 3);
  values.forEach((v, i) => { data[i * 3] = data[i * 3 + 1] = data[i * 3 + 2] = v; });
  return { width: w, height: h, data };
}

describe('resizeMap (PyTorch bilinear, align_corners=False)', () => {
  it('upsamples 2x2 to 4x4 with the hand-computed values', () => {
    // Source coordinates for 4 outputs from 2 inputs: max(0, (i + 0.5) / 2 - 0.5) = 0, 0.25, 0.75, 1.25 -> clamped to 1.
    // The map is v(x, y) = x + 2y, so the result is sx + 2 sy.
    const out = resizeMap(new Float32Array([0, 1, 2, 3]), 2, 2, 4, 4);
    expect(Array.from(out)).toEqual([
      0, 0.25, 0.75, 1,
      0.5, 0.75, 1.25, 1.5,
      1.5, 1.75, 2.25, 2.5,
      2, 2.25, 2.75, 3,
    ]);
  });

  it('matches F.interpolate for a non-integer 2x3 -> 5x7 upsampling', () => {
    // torch.nn.functional.interpolate(m, size=(5, 7), mode='bilinear', align_corners=False)
    const torchRef = [1.0, 1.571429, 3.285714, 5.0, 3.714286, 2.428571, 2.0, 0.9, 1.371429, 2.785714, 4.2, 3.342857,
      2.485714, 2.2, 0.5, 0.571429, 0.785714, 1.0, 1.857143, 2.714286, 3.0, 0.1, -0.228571, -1.214286, -2.2, 0.371429,
      2.942858, 3.8, 0.0, -0.428571, -1.714286, -3.0, 0.0, 3.0, 4.0];
    const out = resizeMap(new Float32Array([1, 5, 2, 0, -3, 4]), 2, 3, 5, 7);
    expect(out.length).toBe(35);
    out.forEach((v, i) => expect(v).toBeCloseTo(torchRef[i], 5));
  });

  it('matches F.interpolate when shrinking 4x4 -> 3x3 (no antialias)', () => {
    const src = new Float32Array(16).map((_, i) => i ** 1.5);
    const torchRef = [1.560565, 3.751618, 6.981783, 15.943118, 21.125013, 26.777948, 39.270233, 46.241638, 53.564503];
    resizeMap(src, 4, 4, 3, 3).forEach((v, i) => expect(v).toBeCloseTo(torchRef[i], 4));
  });

  it('agrees with a brute-force evaluation of the definition on an odd size', () => {
    const h = 5, w = 3, H = 11, W = 8;
    const src = new Float32Array(h * w).map((_, i) => Math.sin(i * 1.7) * 10);
    const at = (y: number, x: number): number => src[Math.min(Math.max(y, 0), h - 1) * w + Math.min(Math.max(x, 0), w - 1)];
    const out = resizeMap(src, h, w, H, W);
    for (let Y = 0; Y < H; Y++) for (let X = 0; X < W; X++) {
      const sy = Math.max(0, ((Y + 0.5) * h) / H - 0.5);
      const sx = Math.max(0, ((X + 0.5) * w) / W - 0.5);
      const y0 = Math.floor(sy), x0 = Math.floor(sx), fy = sy - y0, fx = sx - x0;
      const ref = at(y0, x0) * (1 - fy) * (1 - fx) + at(y0, x0 + 1) * (1 - fy) * fx
        + at(y0 + 1, x0) * fy * (1 - fx) + at(y0 + 1, x0 + 1) * fy * fx;
      expect(out[Y * W + X]).toBeCloseTo(ref, 5);
    }
  });

  it('rejects a map whose length does not match h x w', () => {
    expect(() => resizeMap(new Float32Array(5), 2, 2, 4, 4)).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});

describe('bilinearMatrix', () => {
  it('gives the hand-computed taps for 2 -> 4', () => {
    expect(Array.from(bilinearMatrix(2, 4))).toEqual([1, 0, 0.75, 0.25, 0.25, 0.75, 0, 1]);
  });

  it('as Ry · map · Rxᵀ, equals resizeMap when growing 5x3 -> 17x11 and shrinking 6x6 -> 4x5', () => {
    for (const [h, w, H, W] of [[5, 3, 17, 11], [6, 6, 4, 5]]) {
      const map = Float32Array.from({ length: h * w }, (_, i) => Math.sin(i * 1.7) * 3);
      const [ry, rx] = [bilinearMatrix(h, H), bilinearMatrix(w, W)];
      const expected = resizeMap(map, h, w, H, W);
      for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
        let v = 0;
        for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) v += ry[y * h + i] * map[i * w + j] * rx[x * w + j];
        expect(Math.abs(v - expected[y * W + x])).toBeLessThan(1e-5);
      }
    }
  });
});

describe('resizeAndCrop', () => {
  // Growing, shrinking by large and odd factors, one side only, and no resize at all.
  it.each([
    [224, 224, 256, 256, 224, 224],
    [500, 375, 341, 256, 224, 224],
    [375, 500, 256, 341, 224, 224],
    [97, 61, 40, 25, 33, 20],
    [64, 48, 64, 80, 50, 70],
    [64, 48, 90, 48, 31, 47],
    [64, 48, 64, 48, 63, 47],
  ])('%ix%i resized to %ix%i and cropped to %ix%i equals the crop of the whole resize, byte for byte', (w, h, W, H, cw, ch) => {
    const img = pattern(w, h);
    const whole = centerCrop(resizeImage(img, W, H), cw, ch);
    const region = resizeAndCrop(img, W, H, cw, ch);
    expect([region.width, region.height]).toEqual([cw, ch]);
    expect(Buffer.from(region.data).equals(Buffer.from(whole.data))).toBe(true);
  });

  it('refuses a crop larger than the resized picture', () => {
    expect(() => resizeAndCrop(pattern(10, 10), 20, 20, 21, 5)).toThrow(/Cannot crop 21x5 out of a 20x20 image/);
  });
});

describe('resizeImage', () => {
  it('upsamples a row bilinearly (4 -> 8 pixels)', () => {
    // Output i samples source (i + 0.5) / 2 - 0.5; e.g. i = 1: 0.75 * 0 + 0.25 * 100 = 25.
    const out = resizeImage(gray([0, 100, 200, 255], 4, 1), 8, 1);
    expect(Array.from(out.data.filter((_, i) => i % 3 === 0))).toEqual([0, 25, 75, 125, 175, 214, 241, 255]);
  });

  it('averages with a widened tent when shrinking (4 -> 2 pixels)', () => {
    // Output 0 is centred at 1.0 with half-width 2: weights 0.75, 0.75, 0.25 on 0, 100, 200
    // -> 125 / 1.75 = 71.43. Output 1: 0.25, 0.75, 0.75 on 100, 200, 255 -> 366.25 / 1.75 = 209.29.
    const out = resizeImage(gray([0, 100, 200, 255], 4, 1), 2, 1);
    expect([out.data[0], out.data[3]]).toEqual([71, 209]);
  });

  it('matches PyTorch bilinear antialias=True (PIL-style) to within rounding', () => {
    // F.interpolate(pattern(9, 7), size=(H, W), mode='bilinear', align_corners=False, antialias=True), HWC order.
    const refs: Array<[number, number, number[]]> = [
      [4, 3, [102.65714, 132.14693, 142.82857, 123.10451, 126.59929, 146.59579, 126.69337, 137.77002, 130.11496,
        104.77143, 128.51428, 140.76326, 118.83866, 133.97649, 130.18321, 140.64133, 140.38451, 132.04735, 140.65852,
        134.52512, 125.82066, 135.2084, 124.96136, 120.73782, 112.09388, 154.12245, 124.57552, 120.16376, 134.36237,
        109.75957, 146.59581, 136.2648, 117.90592, 120.59184, 144.3347, 116.35511]],
      [2, 2, [120.88994, 134.39568, 137.67146, 127.02357, 129.79626, 132.90436, 124.92663, 141.45102, 121.58368,
        136.81855, 134.5601, 119.89159]],
      [13, 10, [0.0, 53.0, 106.0, 19.9231, 72.9231, 125.9231, 45.5385, 98.5385, 151.5385, 71.1539, 124.1539, 177.1539,
        96.7692, 149.7692, 202.7692, 122.3846, 175.3846, 228.3846, 148.0, 201.0, 254.0, 173.6154, 226.6154, 102.3846,
        199.2308, 153.7692, 49.2308, 205.1538, 21.8462, 74.8462]],
      [9, 3, [78.0, 131.0, 129.1429, 121.0, 119.1429, 172.1429, 109.1429, 162.1429, 105.4286, 152.1429, 95.4286,
        148.4286, 85.4286, 138.4286, 191.4286, 128.4286, 181.4286, 88.1429, 171.4286, 78.1429, 131.1429, 68.1429,
        121.1428, 174.1429, 111.1429, 164.1429, 107.4286, 92.2941, 145.2941, 123.0]],
    ];
    for (const [W, H, ref] of refs) {
      const out = resizeImage(pattern(9, 7), W, H);
      expect([out.width, out.height]).toEqual([W, H]);
      ref.forEach((v, i) => expect(Math.abs(out.data[i] - v)).toBeLessThanOrEqual(0.5 + 1e-3));
    }
  });

  it('does not alias when shrinking a fine checkerboard 8x', () => {
    const w = 64;
    const img = gray(Array.from({ length: w * w }, (_, i) => ((i % w) + Math.floor(i / w)) % 2 ? 255 : 0), w, w);
    const out = resizeImage(img, 8, 8);
    // Every output averages an equal number of black and white pixels: 127.5 +- rounding.
    for (const v of out.data) expect(Math.abs(v - 127.5)).toBeLessThanOrEqual(1.5);
  });

  it('keeps flat colours flat up to the borders', () => {
    const img = { width: 10, height: 7, data: new Uint8ClampedArray(210).map((_, i) => [200, 40, 90][i % 3]) };
    for (const [w, h] of [[3, 2], [23, 19], [10, 1]]) {
      const out = resizeImage(img, w, h);
      out.data.forEach((v, i) => expect(v).toBe([200, 40, 90][i % 3]));
    }
  });
});

describe('resizeShorterSide and centerCrop', () => {
  it('scales the shorter side and floors the longer one like torchvision', () => {
    const landscape = pattern(500, 375);
    expect(resizeShorterSide(landscape, 256)).toMatchObject({ width: 341, height: 256 }); // 256 * 500 / 375 = 341.33
    const portrait = pattern(375, 500);
    expect(resizeShorterSide(portrait, 256)).toMatchObject({ width: 256, height: 341 });
    expect(resizeShorterSide(pattern(30, 30), 7)).toMatchObject({ width: 7, height: 7 });
  });

  it('crops the centre, rounding half offsets to even like torchvision', () => {
    // Each pixel stores its own x in R and y in G.
    const img = (w: number, h: number): RgbImage => {
      const data = new Uint8ClampedArray(w * h * 3);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) { data[(y * w + x) * 3] = x; data[(y * w + x) * 3 + 1] = y; }
      return { width: w, height: h, data };
    };
    // (W - w) / 2: 5->2: 1.5 -> 2; 8->3: 2.5 -> 2; 9->2: 3.5 -> 4; 6->2: 2 exactly.
    const cases: Array<[number, number, number]> = [[5, 2, 2], [8, 3, 2], [9, 2, 4], [6, 2, 2]];
    for (const [size, crop, offset] of cases) {
      const out = centerCrop(img(size, size), crop, crop);
      expect([out.width, out.height, out.data[0], out.data[1]]).toEqual([crop, crop, offset, offset]);
      expect(out.data[(crop * crop - 1) * 3]).toBe(offset + crop - 1);
    }
    expect(() => centerCrop(img(4, 4), 5, 2)).toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
  });
});
