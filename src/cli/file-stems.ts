/** Output names for input files: one stem per file, unique even when two files share a name. */
import { basename, extname } from 'node:path';

/**
 * The file name of each path without its extension; a repeated stem gets `-2`, `-3`, ... so
 * `a/x.png b/x.png` write `x.*` and `x-2.*`, never one over the other.
 *
 * @example
 * uniqueStems(['a/x.png', 'b/x.jpg', 'y.png']); // ['x', 'x-2', 'y']
 */
export function uniqueStems(paths: string[]): string[] {
  const taken = new Set<string>();
  return paths.map((p) => {
    const stem = basename(p, extname(p));
    let name = stem;
    for (let k = 2; taken.has(name); k++) name = `${stem}-${k}`;
    taken.add(name);
    return name;
  });
}
