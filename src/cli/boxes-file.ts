/**
 * `--boxes FILE.csv`: object boxes for the pointing game, one per line as
 * `image,x,y,width,height`, optionally followed by the `image_width,image_height` the box was
 * drawn on. Boxes are whole pixels of the model input (after resizing and cropping); an image
 * may have several lines (several objects).
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { ConvlensError } from '../errors.js';
import type { Box } from '../image/mask.js';

const bad = (file: string, message: string) => new ConvlensError('BAD_INPUT', `${file}: ${message}`);

/**
 * Reads the boxes of each image (matched by path as given or by file name) for a `[height, width]` input.
 *
 * @example
 * const boxes = await readBoxesFile('boxes.csv', ['cat.png'], [224, 224]); // [[{ x: 40, y: 30, width: 120, height: 150 }]]
 */
export async function readBoxesFile(file: string, images: string[], inputSize: [number, number]): Promise<Box[][]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    throw new ConvlensError('BAD_OPTION', `Cannot read the boxes file ${file} (${(e as Error).message}); give a CSV file with lines image,x,y,width,height.`, { cause: e });
  }
  const [H, W] = inputSize;
  const found = new Map<string, Box[]>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const cells = line.split(',').map((c) => c.trim());
    if (i === 0 && cells[0].toLowerCase() === 'image') return; // a header line
    const numbers = cells.slice(1).map(Number);
    if ((cells.length !== 5 && cells.length !== 7) || !numbers.every(Number.isInteger)) {
      throw bad(file, `line ${i + 1} ("${line}") must be image,x,y,width,height or image,x,y,width,height,image_width,image_height, in whole pixels.`);
    }
    if (cells.length === 7 && (numbers[4] !== W || numbers[5] !== H)) {
      throw bad(file, `line ${i + 1} gives a box on a ${numbers[4]}x${numbers[5]} picture, but the model sees ${W}x${H}; give boxes in the model input's pixels (after resizing and cropping).`);
    }
    const [x, y, width, height] = numbers;
    found.set(cells[0], [...(found.get(cells[0]) ?? []), { x, y, width, height }]);
  });
  return images.map((image) => {
    const boxes = found.get(image) ?? found.get(basename(image));
    if (!boxes) throw bad(file, `has no box for ${image}; give at least one line per image, starting with its path or file name.`);
    return boxes;
  });
}
