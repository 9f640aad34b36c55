/**
 * The progress of a synthesis as an animated GIF (encoded by the gifenc package): one frame
 * per snapshot, the batch side by side, enlarged with crisp pixels, the step written below.
 */
import * as gifencModule from 'gifenc';
import { ConvlensError } from '../../errors.js';
import { makeGrid } from '../../image/grid.js';
import type { RgbImage } from '../../preprocess/rgb-image.js';
import { upscaleNearest } from '../../image/tiles.js';

// Node loads gifenc's CommonJS build, whose exports arrive as the default export; bundlers and
// Vite load its ES module build, which has them as named exports.
const gifenc = ('GIFEncoder' in gifencModule ? gifencModule : (gifencModule as unknown as { default: typeof gifencModule }).default);

export interface ProgressGifOptions {
  /** Each pixel drawn as a `zoom` x `zoom` square (default: up to 128 pixels a side). */
  zoom?: number;
  /** Milliseconds per frame (default 80); the last frame stays four times as long. */
  delay?: number;
}

/** The zoom that brings a side of `side` pixels to at least 128 (1 for larger images). */
export const defaultZoom = (side: number) => Math.max(1, Math.ceil(128 / side));

function rgba(img: RgbImage): Uint8ClampedArray {
  const out = new Uint8ClampedArray(img.width * img.height * 4);
  for (let p = 0; p < img.width * img.height; p++) {
    out.set(img.data.subarray(p * 3, p * 3 + 3), p * 4);
    out[p * 4 + 3] = 255;
  }
  return out;
}

/**
 * Encodes snapshots (as `visualize` returns them in `frames`) as a looping GIF.
 *
 * @example
 * const r = await visualize(model, 'class:3', { frames: 32 });
 * const gif = progressGif(r.frames);
 */
export function progressGif(frames: { step: number; images: RgbImage[] }[], options: ProgressGifOptions = {}): Uint8Array {
  if (frames.length === 0) throw new ConvlensError('BAD_OPTION', 'A progress GIF needs at least one frame; run visualize with frames > 0.');
  const zoom = options.zoom ?? defaultZoom(Math.min(frames[0].images[0].width, frames[0].images[0].height));
  const delay = options.delay ?? 80;
  const gif = gifenc.GIFEncoder();
  frames.forEach((frame, i) => {
    // Nearest-neighbour enlargement keeps small images (32 x 32) sharp.
    const tiles = frame.images.map((im) => upscaleNearest(im, zoom));
    const figure = makeGrid(tiles, { columns: tiles.length, labels: [`step ${frame.step}`] });
    const pixels = rgba(figure);
    const palette = gifenc.quantize(pixels, 256);
    gif.writeFrame(gifenc.applyPalette(pixels, palette), figure.width, figure.height, { palette, delay: i === frames.length - 1 ? 4 * delay : delay });
  });
  gif.finish();
  return gif.bytes();
}
