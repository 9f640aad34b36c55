/**
 * Turning RGB images into the float tensor a model expects, and back again.
 *
 * The geometry follows torchvision (`Resize(int)` + `CenterCrop`, or `Resize((h, w))`) and the
 * normalization is per channel `(pixel - mean) / std`, so a model exported from PyTorch sees
 * the same numbers in convlens as in its training pipeline.
 */
import { ConvlensError } from '../errors.js';
import { resizeAndCrop, resizeImage } from './resize-image.js';
import type { FloatTensor } from '../numeric/float-tensor.js';
import type { RgbImage } from './rgb-image.js';
import { assertRgbImage } from './rgb-image.js';

/** Named normalizations: `imagenet` (torchvision statistics), `unit` ([0, 1]), `symmetric` ([-1, 1]). */
export type PresetName = 'imagenet' | 'unit' | 'symmetric';

/** Per-colour statistics of the presets, on [0, 1] pixels, listed as R, G, B. */
export const preprocessPresets: Readonly<Record<PresetName, { mean: readonly number[]; std: readonly number[] }>> = {
  imagenet: { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] },
  unit: { mean: [0, 0, 0], std: [1, 1, 1] },
  symmetric: { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] },
};

/**
 * How to turn images into a `[N, 3, H, W]` tensor. Give either `preset` or `mean` and `std`.
 *
 * - `size`: target `[H, W]`.
 * - `resize`: `'crop'` scales the image so a centred crop of `size` covers `cropFraction` of
 *   it, then crops (224 with 0.875 is the classic "resize 256, crop 224"); `'stretch'`
 *   resizes straight to `size`, ignoring the aspect ratio.
 * - `mean`, `std`: per channel, in the model's channel order (as model cards list them);
 *   one value applies to all three channels.
 * - `scale`: the pixel range `mean` and `std` refer to: `1` for [0, 1] pixels (torchvision),
 *   `255` for [0, 255] pixels (Caffe). When omitted it is 255 if any mean or std exceeds 1,
 *   else 1. Presets always use 1.
 * - `channelOrder`: `'BGR'` for models trained on OpenCV/Caffe-ordered inputs. Presets are
 *   defined per colour, so they follow the colours into the swapped order.
 */
export interface PreprocessSpec {
  size: [number, number];
  resize: 'crop' | 'stretch';
  preset?: PresetName;
  mean?: number[];
  std?: number[];
  scale?: 255 | 1;
  channelOrder?: 'RGB' | 'BGR';
  /** Fraction of the resized image the crop covers in `'crop'` mode; default 0.875. */
  cropFraction?: number;
}

/** The normalization part of a spec, as `parsePreprocess` returns it. */
export type NormalizationChoice = ({ preset: PresetName } | { mean: number[]; std: number[]; scale?: 255 | 1 })
  & { channelOrder?: 'RGB' | 'BGR' };

/** Mean, std and pixel range resolved to the tensor's channel order. */
export interface ResolvedNormalization {
  mean: [number, number, number];
  std: [number, number, number];
  scale: 255 | 1;
}

const PRESET_NAMES = Object.keys(preprocessPresets) as PresetName[];

function badOption(message: string): ConvlensError {
  return new ConvlensError('BAD_OPTION', message);
}

function threeValues(v: unknown, name: string, positive: boolean): [number, number, number] {
  if (!Array.isArray(v) || (v.length !== 1 && v.length !== 3) || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
    throw badOption(`Preprocessing "${name}" must be an array of 1 or 3 finite numbers, got ${JSON.stringify(v)}.`);
  }
  if (positive && v.some((x: number) => x <= 0)) {
    throw badOption(`Preprocessing "std" values must be greater than 0, got ${JSON.stringify(v)}.`);
  }
  return v.length === 1 ? [v[0], v[0], v[0]] : [v[0], v[1], v[2]];
}

/**
 * Resolves the mean, std and pixel range a spec asks for, in the tensor's channel order.
 * Throws `BAD_OPTION` when the spec names neither (or both) a preset and mean/std.
 *
 * @example
 * resolveNormalization({ preset: 'imagenet', channelOrder: 'BGR' }).mean; // [0.406, 0.456, 0.485]
 */
export function resolveNormalization(
  spec: Pick<PreprocessSpec, 'preset' | 'mean' | 'std' | 'scale' | 'channelOrder'>,
): ResolvedNormalization {
  const custom = spec.mean !== undefined || spec.std !== undefined;
  if (spec.preset !== undefined && custom) {
    throw badOption('Preprocessing names both a preset and mean/std; give one or the other.');
  }
  if (spec.preset !== undefined) {
    const p = preprocessPresets[spec.preset];
    if (!p) throw badOption(`Unknown preprocessing preset "${String(spec.preset)}". Use one of: ${PRESET_NAMES.join(', ')}.`);
    const swap = spec.channelOrder === 'BGR';
    const order = swap ? [2, 1, 0] : [0, 1, 2];
    return {
      mean: order.map((c) => p.mean[c]) as [number, number, number],
      std: order.map((c) => p.std[c]) as [number, number, number],
      scale: 1,
    };
  }
  if (!custom) {
    throw badOption(`Preprocessing needs a preset (${PRESET_NAMES.join(', ')}) or mean and std, e.g. { "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5] }.`);
  }
  if (spec.mean === undefined || spec.std === undefined) {
    throw badOption('Custom preprocessing needs both "mean" and "std" (use std [1, 1, 1] to only subtract a mean).');
  }
  const mean = threeValues(spec.mean, 'mean', false);
  const std = threeValues(spec.std, 'std', true);
  if (spec.scale !== undefined && spec.scale !== 1 && spec.scale !== 255) {
    throw badOption(`Preprocessing "scale" must be 1 (pixels in [0, 1]) or 255 (pixels in [0, 255]), got ${JSON.stringify(spec.scale)}.`);
  }
  const scale = spec.scale ?? ([...mean, ...std].some((x) => Math.abs(x) > 1) ? 255 : 1);
  return { mean, std, scale };
}

function checkChannelOrder(order: unknown): void {
  if (order !== undefined && order !== 'RGB' && order !== 'BGR') {
    throw badOption(`channelOrder must be "RGB" or "BGR", got ${JSON.stringify(order)}.`);
  }
}

/** `[width, height]` a picture is resized to before the centred `H x W` crop of `'crop'` mode. */
export function resizeBeforeCrop(img: { width: number; height: number }, H: number, W: number, fraction: number): [number, number] {
  // The crop must cover `fraction` of the resized image on the limiting side; the other side
  // keeps the aspect ratio (floor, as torchvision does for the longer side).
  const coverW = Math.floor(W / fraction);
  const coverH = Math.floor(H / fraction);
  if (coverW / img.width >= coverH / img.height) return [coverW, Math.max(coverH, Math.floor((coverW * img.height) / img.width))];
  return [Math.max(coverW, Math.floor((coverH * img.width) / img.height)), coverH];
}

function cropGeometry(img: RgbImage, H: number, W: number, fraction: number): RgbImage {
  const [w, h] = resizeBeforeCrop(img, H, W, fraction);
  return resizeAndCrop(img, w, h, W, H);
}

/**
 * Resizes, crops and normalizes a batch of images into one NCHW float32 tensor `[N, 3, H, W]`.
 *
 * @example
 * const x = preprocessImages([cat, dog], { size: [224, 224], resize: 'crop', preset: 'imagenet' });
 * x.shape; // [2, 3, 224, 224]
 */
export function preprocessImages(images: RgbImage[], spec: PreprocessSpec): FloatTensor {
  const [H, W] = Array.isArray(spec.size) ? spec.size : [NaN, NaN];
  if (!Number.isInteger(H) || !Number.isInteger(W) || H <= 0 || W <= 0) {
    throw badOption(`Preprocessing size must be [height, width] in positive integers, got ${JSON.stringify(spec.size)}.`);
  }
  if (spec.resize !== 'crop' && spec.resize !== 'stretch') {
    throw badOption(`Preprocessing resize must be "crop" or "stretch", got ${JSON.stringify(spec.resize)}.`);
  }
  const fraction = spec.cropFraction ?? 0.875;
  if (!(fraction > 0 && fraction <= 1)) {
    throw badOption(`cropFraction must be in (0, 1], got ${String(spec.cropFraction)}; 0.875 gives the classic resize 256 / crop 224.`);
  }
  checkChannelOrder(spec.channelOrder);
  const { mean, std, scale } = resolveNormalization(spec);
  const bgr = spec.channelOrder === 'BGR';
  const plane = H * W;
  const out = new Float32Array(images.length * 3 * plane);
  images.forEach((image, n) => {
    assertRgbImage(image, `image ${n}`);
    const img = spec.resize === 'stretch' ? resizeImage(image, W, H) : cropGeometry(image, H, W, fraction);
    for (let c = 0; c < 3; c++) {
      const colour = bgr ? 2 - c : c;
      const div = scale === 1 ? 255 : 1;
      const m = mean[c], s = std[c];
      const o = (n * 3 + c) * plane;
      for (let i = 0; i < plane; i++) out[o + i] = (img.data[i * 3 + colour] / div - m) / s;
    }
  });
  return { data: out, shape: [images.length, 3, H, W] };
}

/**
 * The inverse of the normalization: turns a `[N, 3, H, W]` tensor back into pictures
 * (denormalize, undo BGR, round and clamp to 0..255), to show what the model actually saw.
 *
 * @example
 * const [seen] = tensorToImages(x, { preset: 'imagenet' });
 */
export function tensorToImages(
  t: FloatTensor,
  spec: Pick<PreprocessSpec, 'preset' | 'mean' | 'std' | 'scale' | 'channelOrder'>,
): RgbImage[] {
  const shape = t?.shape;
  if (!Array.isArray(shape) || shape.length !== 4 || shape[1] !== 3
    || !(t.data instanceof Float32Array) || t.data.length !== shape[0] * 3 * shape[2] * shape[3]) {
    throw new ConvlensError('BAD_INPUT',
      `Expected an image tensor of shape [N, 3, H, W] with matching data, got shape ${JSON.stringify(shape)}. ` +
      'Pass the tensor returned by preprocessImages or model.preprocess.');
  }
  checkChannelOrder(spec.channelOrder);
  const { mean, std, scale } = resolveNormalization(spec);
  const [N, , H, W] = shape;
  const plane = H * W;
  const mul = scale === 1 ? 255 : 1;
  const bgr = spec.channelOrder === 'BGR';
  const images: RgbImage[] = [];
  for (let n = 0; n < N; n++) {
    const data = new Uint8ClampedArray(plane * 3);
    for (let c = 0; c < 3; c++) {
      const colour = bgr ? 2 - c : c;
      const o = (n * 3 + c) * plane;
      for (let i = 0; i < plane; i++) data[i * 3 + colour] = Math.round((t.data[o + i] * std[c] + mean[c]) * mul);
    }
    images.push({ width: W, height: H, data });
  }
  return images;
}

const CHOICE_KEYS = ['preset', 'mean', 'std', 'scale', 'channelOrder'];

/**
 * Reads a preprocessing choice from a CLI flag or config value: a preset name
 * (`imagenet`, `unit`, `symmetric`), a JSON string, or an object such as
 * `{ "mean": [0.5, 0.5, 0.5], "std": [0.5, 0.5, 0.5] }` (optionally with `scale` and
 * `channelOrder`). The result spreads into a {@link PreprocessSpec}. Throws `BAD_OPTION`
 * with the accepted forms when the value is not one of them.
 *
 * @example
 * const spec = { size: [224, 224], resize: 'crop', ...parsePreprocess('imagenet') } as PreprocessSpec;
 * parsePreprocess('{"mean":[123.7,116.3,103.5],"std":[58.4,57.1,57.4]}'); // scale inferred: 255
 */
export function parsePreprocess(value: string | object): NormalizationChoice {
  const forms = `a preset name (${PRESET_NAMES.join(', ')}) or JSON like {"mean":[0.485,0.456,0.406],"std":[0.229,0.224,0.225]}`;
  let obj: unknown = value;
  if (typeof value === 'string') {
    const text = value.trim();
    if (!text.startsWith('{')) {
      const name = text.toLowerCase();
      if ((PRESET_NAMES as string[]).includes(name)) return { preset: name as PresetName };
      throw badOption(`Unknown preprocessing "${value}". Use ${forms}.`);
    }
    try {
      obj = JSON.parse(text);
    } catch (e) {
      throw badOption(`Preprocessing JSON could not be parsed (${(e as Error).message}). Use ${forms}.`);
    }
  }
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
    throw badOption(`Preprocessing must be ${forms}; got ${JSON.stringify(obj)}.`);
  }
  const rec = obj as Record<string, unknown>;
  const unknown = Object.keys(rec).filter((k) => !CHOICE_KEYS.includes(k));
  if (unknown.length) {
    throw badOption(`Unknown preprocessing key(s) ${unknown.map((k) => `"${k}"`).join(', ')}; allowed: ${CHOICE_KEYS.join(', ')}.`);
  }
  checkChannelOrder(rec.channelOrder);
  const order = rec.channelOrder === undefined ? {} : { channelOrder: rec.channelOrder as 'RGB' | 'BGR' };
  if (rec.preset !== undefined) {
    if (typeof rec.preset !== 'string' || !(PRESET_NAMES as string[]).includes(rec.preset)) {
      throw badOption(`Unknown preprocessing preset ${JSON.stringify(rec.preset)}. Use one of: ${PRESET_NAMES.join(', ')}.`);
    }
    if (rec.mean !== undefined || rec.std !== undefined || rec.scale !== undefined) {
      throw badOption('Preprocessing names both a preset and mean/std/scale; give one or the other.');
    }
    return { preset: rec.preset as PresetName, ...order };
  }
  // Validates, expands single values to three and infers the scale.
  const { mean, std, scale } = resolveNormalization({
    mean: rec.mean as number[], std: rec.std as number[], scale: rec.scale as 255 | 1 | undefined,
  });
  return { mean, std, scale, ...order };
}
