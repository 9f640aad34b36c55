/** Files that appear whole or not at all. */
import { randomBytes } from 'node:crypto';
import { rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { removeOnInterrupt } from './interrupts.js';
import { makeFolders } from './make-folders.js';

/**
 * Writes `content` to `file` through a hidden temporary file in the same folder (so the
 * rename stays on one file system and is atomic): a reader never sees half a file, and a
 * failure removes the temporary file and rethrows, leaving any earlier `file` as it was.
 *
 * @example
 * await writeFileAtomically('/tmp/report.html', html);
 */
export async function writeFileAtomically(file: string, content: string | Uint8Array): Promise<void> {
  const folder = dirname(file);
  const temp = join(folder, `.${basename(file)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const done = removeOnInterrupt(temp);
  try {
    makeFolders(folder);
    await writeFile(temp, content);
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    throw e;
  } finally {
    done();
  }
}
