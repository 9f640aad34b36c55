/** One small picture encoded in each image format convlens reads, as seeds for image fuzzing. */
import sharp from 'sharp';

const WIDTH = 24;
const HEIGHT = 16;

function pixels(): Buffer {
  const data = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) data.set([(x * 255) / WIDTH, (y * 255) / HEIGHT, (x * y) % 256], (y * WIDTH + x) * 3);
  }
  return data;
}

/** A 24-bit bottom-up BMP (sharp does not write BMP). */
function bmp(rgb: Buffer): Uint8Array {
  const row = Math.ceil((WIDTH * 3) / 4) * 4;
  const out = Buffer.alloc(54 + row * HEIGHT);
  out.write('BM', 0, 'ascii');
  out.writeUInt32LE(out.length, 2);
  out.writeUInt32LE(54, 10);
  out.writeUInt32LE(40, 14);
  out.writeInt32LE(WIDTH, 18);
  out.writeInt32LE(HEIGHT, 22);
  out.writeUInt16LE(1, 26);
  out.writeUInt16LE(24, 28);
  out.writeUInt32LE(row * HEIGHT, 34);
  for (let y = 0; y < HEIGHT; y++) {
    for (let x = 0; x < WIDTH; x++) {
      const s = (y * WIDTH + x) * 3;
      const d = 54 + (HEIGHT - 1 - y) * row + x * 3;
      out[d] = rgb[s + 2];
      out[d + 1] = rgb[s + 1];
      out[d + 2] = rgb[s];
    }
  }
  return new Uint8Array(out);
}

/**
 * The same picture as PNG, JPEG, WebP, GIF and BMP bytes.
 *
 * @example
 * for (const [format, bytes] of Object.entries(await sampleImages())) fuzz(format, bytes);
 */
export async function sampleImages(): Promise<Record<string, Uint8Array>> {
  const rgb = pixels();
  const img = () => sharp(rgb, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } });
  const u8 = (b: Buffer) => new Uint8Array(b);
  return {
    png: u8(await img().png().toBuffer()),
    jpeg: u8(await img().jpeg({ quality: 80 }).toBuffer()),
    webp: u8(await img().webp({ quality: 80 }).toBuffer()),
    gif: u8(await img().gif().toBuffer()),
    bmp: bmp(rgb),
  };
}
