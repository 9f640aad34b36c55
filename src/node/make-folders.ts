/** Creating a folder and its missing parents without Node's recursive mkdir. */
import { mkdirSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

/**
 * Creates `folder` and any missing parents, one level at a time, and returns the outermost
 * folder it created (to remove on failure), or undefined when `folder` already existed.
 * Node's `mkdir(..., { recursive: true })` retries forever where mkdir reports ENOENT under
 * an existing parent (pseudo file systems such as /proc); here that error is thrown at once.
 *
 * @example
 * const created = makeFolders('out/maps'); // 'out' when neither existed
 */
export function makeFolders(folder: string): string | undefined {
  const missing: string[] = [];
  let current = resolve(folder);
  for (;;) {
    try {
      if (!statSync(current).isDirectory()) {
        throw Object.assign(new Error(`${current} is a file, not a folder`), { code: 'ENOTDIR' });
      }
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      missing.push(current);
      const parent = dirname(current);
      if (parent === current) throw e;
      current = parent;
    }
  }
  // missing runs from the innermost folder out; create from the outermost in.
  for (let i = missing.length - 1; i >= 0; i--) mkdirSync(missing[i]);
  return missing.at(-1);
}
