import { describe, expect, it } from 'vitest';
import {
  parsePreprocess, preprocessImages, resolveNormalization, tensorToImages, type PreprocessSpec,
} from '../../src/preprocess/preprocess-images.js';
import { centerCrop, resizeShorterSide } from '../../src/preprocess/resize-image.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';

// Pixels (row-major): black, white, (255, 0, 128), (10, 20, 30).
const tiny: RgbImage = { width: 2, height: 2, data: new Uint8ClampedArray([0, 0, 0, 255, 255, 255, 255, 0, 128, 10, 20, 30]) };

function expectTensor(actual: Float32Array, expected: number[][]): void {
  // expected[c] lists the 4 pixels of channel c, computed in float64 as (p / 255 - mean) / std.
  expect(actual.length).toBe(12);
  expected.flat().forEach((v, i) => expect(actual[i]).toBeCloseTo(v, 5));
}

const stretch = (extra: Partial<PreprocessSpec>): PreprocessSpec => ({ size: [2, 2], resize: 'stretch', ...extra });

describe('preprocessImages normalization (2x2 image, no resampling)', () => {
  it('imagenet: (p / 255 - mean) / std per channel', () => {
    // e.g. R of white: (1 - 0.485) / 0.229 = 2.248908; B of (255,0,128): (128/255 - 0.406) / 0.225 = 0.426492
    const t = preprocessImages([tiny], stretch({ preset: 'imagenet' }));
    expect(t.shape).toEqual([1, 3, 2, 2]);
    expectTensor(t.data, [
      [-2.117904, 2.248908, 2.248908, -1.946656],
      [-2.035714, 2.428571, -2.035714, -1.685574],
      [-1.804444, 2.64, 0.426492, -1.281569],
    ]);
  });

  it('unit: p / 255', () => {
    expectTensor(preprocessImages([tiny], stretch({ preset: 'unit' })).data, [
      [0, 1, 1, 0.039216], [0, 1, 0, 0.078431], [0, 1, 0.501961, 0.117647],
    ]);
  });

  it('symmetric: p / 127.5 - 1', () => {
    expectTensor(preprocessImages([tiny], stretch({ preset: 'symmetric' })).data, [
      [-1, 1, 1, -0.921569], [-1, 1, -1, -0.843137], [-1, 1, 0.003922, -0.764706],
    ]);
  });

  it('custom mean/std on [0, 255] pixels (scale inferred from the magnitudes)', () => {
    // R of white: (255 - 123.68) / 58.4 = 2.248630
    const spec = stretch({ mean: [123.68, 116.78, 103.94], std: [58.4, 57.1, 57.4] });
    expect(resolveNormalization(spec).scale).toBe(255);
    expectTensor(preprocessImages([tiny], spec).data, [
      [-2.117808, 2.248630, 2.248630, -1.946575],
      [-2.045184, 2.420666, -2.045184, -1.694921],
      [-1.810801, 2.631708, 0.419164, -1.288153],
    ]);
  });

  it('BGR puts blue first and moves the preset statistics with the colours', () => {
    const t = preprocessImages([tiny], stretch({ preset: 'imagenet', channelOrder: 'BGR' }));
    // channel 0 is now blue with mean 0.406 / std 0.225
    expectTensor(t.data, [
      [-1.804444, 2.64, 0.426492, -1.281569],
      [-2.035714, 2.428571, -2.035714, -1.685574],
      [-2.117904, 2.248908, 2.248908, -1.946656],
    ]);
  });

  it('batches images along N', () => {
    const t = preprocessImages([tiny, tiny], stretch({ preset: 'unit' }));
    expect(t.shape).toEqual([2, 3, 2, 2]);
    expect(Array.from(t.data.subarray(12))).toEqual(Array.from(t.data.subarray(0, 12)));
  });
});

describe('preprocessImages geometry', () => {
  const coords = (w: number, h: number): RgbImage => {
    const data = new Uint8ClampedArray(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([x * 10, y * 10, 0], (y * w + x) * 3);
    return { width: w, height: h, data };
  };

  it('crop with cropFraction 1 keeps the centre of a wide image', () => {
    // 4x2 image, target 2x2: shorter side already 2, crop columns 1 and 2.
    const t = preprocessImages([coords(4, 2)], { size: [2, 2], resize: 'crop', preset: 'unit', cropFraction: 1 });
    expect(Array.from(t.data.subarray(0, 4)).map((v) => Math.round(v * 255))).toEqual([10, 20, 10, 20]); // R = 10 x
    expect(Array.from(t.data.subarray(4, 8)).map((v) => Math.round(v * 255))).toEqual([0, 0, 10, 10]); // G = 10 y
  });

  it('crop with cropFraction 0.5 takes the central half without resampling a 4x4 image', () => {
    const t = preprocessImages([coords(4, 4)], { size: [2, 2], resize: 'crop', preset: 'unit', cropFraction: 0.5 });
    expect(Array.from(t.data.subarray(0, 8)).map((v) => Math.round(v * 255))).toEqual([10, 20, 10, 20, 10, 10, 20, 20]);
  });

  it('default crop is resize-256-then-crop-224 for a 224 target', () => {
    const w = 300, h = 200;
    const data = new Uint8ClampedArray(w * h * 3).map((_, i) => (i * 7919) % 251);
    const img = { width: w, height: h, data };
    const t = preprocessImages([img], { size: [224, 224], resize: 'crop', preset: 'unit' });
    const manual = centerCrop(resizeShorterSide(img, 256), 224, 224);
    for (let i = 0; i < 224 * 224; i += 97) {
      expect(Math.round(t.data[i] * 255)).toBe(manual.data[i * 3]);
      expect(Math.round(t.data[2 * 224 * 224 + i] * 255)).toBe(manual.data[i * 3 + 2]);
    }
  });

  it('stretch resizes to the target without keeping the aspect ratio', () => {
    const t = preprocessImages([coords(4, 2)], { size: [3, 5], resize: 'stretch', preset: 'unit' });
    expect(t.shape).toEqual([1, 3, 3, 5]);
  });

  it('rejects bad specs with BAD_OPTION', () => {
    const bad = (spec: object): void => expect(() => preprocessImages([tiny], spec as PreprocessSpec))
      .toThrow(expect.objectContaining({ code: 'BAD_OPTION' }));
    bad({ size: [2, 2], resize: 'crop' }); // no normalization
    bad({ size: [2, 2], resize: 'crop', preset: 'imagenet', mean: [0, 0, 0], std: [1, 1, 1] });
    bad({ size: [2, 0], resize: 'crop', preset: 'unit' });
    bad({ size: [2, 2], resize: 'squash', preset: 'unit' });
    bad({ size: [2, 2], resize: 'crop', preset: 'unit', cropFraction: 1.5 });
    bad({ size: [2, 2], resize: 'crop', mean: [0.5, 0.5, 0.5], std: [0.5, 0, 0.5] });
    bad({ size: [2, 2], resize: 'crop', preset: 'unit', channelOrder: 'GBR' });
  });
});

describe('tensorToImages', () => {
  const photo: RgbImage = { width: 5, height: 3, data: new Uint8ClampedArray(45).map((_, i) => (i * 57) % 256) };
  const specs: Array<Partial<PreprocessSpec>> = [
    { preset: 'imagenet' }, { preset: 'unit' }, { preset: 'symmetric' }, { preset: 'imagenet', channelOrder: 'BGR' },
    { mean: [103.94, 116.78, 123.68], std: [1, 1, 1], channelOrder: 'BGR' },
  ];

  it('inverts preprocessImages exactly for every preset', () => {
    for (const s of specs) {
      const spec = { size: [3, 5], resize: 'stretch', ...s } as PreprocessSpec;
      const [back] = tensorToImages(preprocessImages([photo], spec), spec);
      expect(Array.from(back.data)).toEqual(Array.from(photo.data));
    }
  });

  it('clamps values outside the displayable range', () => {
    const t = { data: new Float32Array([-5, 0.5, 9, 0.25, 0, 0, 1, 1, 0.999, 0.001, 0.5, 0.5]), shape: [1, 3, 2, 2] };
    const [img] = tensorToImages(t, { preset: 'unit' });
    // pixel 0 = (R -5, G 0, B 1) -> (0, 0, 255); pixel 2 = (9, 1, 0.5) -> (255, 255, 128)
    expect(Array.from(img.data)).toEqual([0, 0, 255, 128, 0, 0, 255, 255, 128, 64, 255, 128]);
  });

  it('rejects tensors that are not [N, 3, H, W]', () => {
    expect(() => tensorToImages({ data: new Float32Array(8), shape: [1, 2, 2, 2] }, { preset: 'unit' }))
      .toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
  });
});

describe('parsePreprocess', () => {
  it('accepts preset names, JSON strings and objects', () => {
    expect(parsePreprocess('imagenet')).toEqual({ preset: 'imagenet' });
    expect(parsePreprocess(' Symmetric ')).toEqual({ preset: 'symmetric' });
    expect(parsePreprocess('{"mean":[0.5,0.5,0.5],"std":[0.25,0.25,0.25]}'))
      .toEqual({ mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25], scale: 1 });
    expect(parsePreprocess({ mean: [120], std: [60], channelOrder: 'BGR' }))
      .toEqual({ mean: [120, 120, 120], std: [60, 60, 60], scale: 255, channelOrder: 'BGR' });
    expect(parsePreprocess({ preset: 'unit' })).toEqual({ preset: 'unit' });
  });

  it('produces a choice that spreads into a working spec', () => {
    const spec = { size: [2, 2], resize: 'stretch', ...parsePreprocess('{"mean":[0,0,0],"std":[1,1,1],"scale":255}') } as PreprocessSpec;
    expect(Array.from(preprocessImages([tiny], spec).data.subarray(0, 4))).toEqual([0, 255, 255, 10]);
  });

  it('explains what is accepted when the value is wrong', () => {
    const cases: Array<[string | object, RegExp]> = [
      ['imagnet', /Unknown preprocessing "imagnet".*imagenet, unit, symmetric/],
      ['{"mean": [0.5,', /could not be parsed/],
      [{ mean: [0.5, 0.5], std: [1, 1, 1] }, /"mean" must be an array of 1 or 3/],
      [{ mean: [0.5, 0.5, 0.5], std: [1, -1, 1] }, /greater than 0/],
      [{ mean: [0.5, 0.5, 0.5] }, /both "mean" and "std"/],
      [{ mean: [0, 0, 0], std: [1, 1, 1], size: 224 }, /Unknown preprocessing key\(s\) "size"/],
      [{ preset: 'imagenet', mean: [0, 0, 0] }, /one or the other/],
      [{ mean: [0, 0, 0], std: [1, 1, 1], scale: 100 }, /"scale" must be 1/],
      [[1, 2, 3], /must be a preset name/],
    ];
    for (const [value, message] of cases) {
      expect(() => parsePreprocess(value)).toThrow(expect.objectContaining({ code: 'BAD_OPTION', message: expect.stringMatching(message) }));
    }
  });
});
