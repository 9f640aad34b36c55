/** Runs the CLI in-process with captured output, and makes temporary working folders. */
import { mkdtempSync, readdirSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { encodePng } from '../../src/image/png.js';
import type { RgbImage } from '../../src/preprocess/rgb-image.js';

export async function runCli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, (l) => out.push(l), (l) => err.push(l));
  return { code, out: out.join('\n'), err: err.join('\n') };
}

export function tempDir(prefix = 'convlens-cli-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Files in a folder, or [] when it does not exist. */
export function listFiles(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

/** A deterministic test picture: colour gradients with a bright square. */
export function testPicture(width: number, height: number): RgbImage {
  const data = new Uint8ClampedArray(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const inSquare = x > width / 3 && x < (2 * width) / 3 && y > height / 3 && y < (2 * height) / 3;
      data.set(inSquare ? [250, 240, 30] : [(x * 255) / width, (y * 255) / height, 90], (y * width + x) * 3);
    }
  }
  return { width, height, data };
}

export function testPng(width = 80, height = 60): Uint8Array {
  return encodePng(testPicture(width, height));
}

export const fixtureModel = (name: string) => new URL(`../fixtures/models/${name}.onnx`, import.meta.url).pathname;

/** Whether `tile` appears pixel for pixel somewhere in `figure`. */
export function containsImage(figure: RgbImage, tile: RgbImage): boolean {
  for (let y = 0; y + tile.height <= figure.height; y++) {
    for (let x = 0; x + tile.width <= figure.width; x++) {
      let same = true;
      for (let r = 0; r < tile.height && same; r++) {
        const a = ((y + r) * figure.width + x) * 3;
        const b = r * tile.width * 3;
        for (let k = 0; k < tile.width * 3; k++) if (figure.data[a + k] !== tile.data[b + k]) { same = false; break; }
      }
      if (same) return true;
    }
  }
  return false;
}
