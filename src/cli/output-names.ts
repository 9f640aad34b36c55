/**
 * Output file names that carry what distinguishes one picture from another: the image, the
 * model when several write into one folder, the explained class when one was chosen, the
 * unit of a unit occlusion, then the method.
 */
import { basename, extname } from 'node:path';
import type { MethodOptions } from '../methods/registry.js';

/**
 * File names without folder and extension; a repeated stem gets `-2`, `-3`, ... so
 * `a/x.png b/x.png` write `x.*` and `x-2.*`, never one over the other.
 *
 * @example
 * uniqueStems(['a/x.png', 'b/x.jpg', 'y.png']); // ['x', 'x-2', 'y']
 */
export function uniqueStems(paths: string[]): string[] {
  const taken = new Set<string>();
  return paths.map((p) => {
    const path = p.replace(/[?#].*$/, ''); // a model URL's query is not part of its name
    const stem = basename(path, extname(path));
    let name = stem;
    for (let k = 2; taken.has(name); k++) name = `${stem}-${k}`;
    taken.add(name);
    return name;
  });
}

/**
 * Text as one part of a file name: letters, digits, "_" and "-" kept, any other run of
 * characters one "-" ("golden retriever" -> "golden-retriever").
 *
 * @example
 * namePart('tabby, tabby cat'); // "tabby-tabby-cat"
 */
export function namePart(text: string): string {
  return text.replace(/[^\p{L}\p{N}_-]+/gu, '-').replace(/^-+|-+$/g, '') || 'x';
}

/**
 * What the file name says about the explained target of an item, or undefined when the
 * target was left to its default (the top class) and is the only one per image.
 */
export function targetPart(options: MethodOptions, target: number | null, labels: readonly string[] | null, severalPerImage: boolean): string | undefined {
  if (options.unit) {
    const u = options.unit;
    return namePart(`unit ${u.layer} ${u.channel}${u.y === undefined ? '' : ` ${u.y} ${u.x}`}`);
  }
  if (options.target === undefined && !severalPerImage) return undefined;
  if (target === null) return options.target === 'sum' ? 'sum' : 'weighted';
  return namePart(labels?.[target] ?? String(target));
}

/** "cat.resnet50.tabby.gradcam": the defined parts joined by dots. */
export const fileStem = (...parts: (string | undefined)[]) => parts.filter((p) => p !== undefined).join('.');
