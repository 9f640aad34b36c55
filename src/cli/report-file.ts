/**
 * Where the report goes and how it gets there: the target is checked before any model runs
 * (a report can take minutes; failing at the end would waste them), and the page is written
 * to a temporary file beside the target and renamed, so a reader never sees half a report
 * and a failure leaves nothing behind.
 */
import { access, constants, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConvlensError } from '../errors.js';
import { writeFileAtomically } from '../node/atomic-write.js';


const unwritable = (path: string, why: string, cause?: unknown) => new ConvlensError('OUTPUT_UNWRITABLE',
  `Cannot write the report to ${path}: ${why}. Choose another file with --out.`, { cause });

async function statOrNull(path: string) {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

/**
 * The absolute report path for `--out` (a file, or an existing folder / a path ending in
 * "/" to write `name` into), after checking that it can be written: the nearest existing
 * folder on the way must be a writable folder.
 *
 * @example
 * const file = await reportTarget(values.out ?? 'convlens-report.html', 'convlens-report.html');
 */
export async function reportTarget(out: string, name: string): Promise<string> {
  let file = resolve(out);
  if (/[\\/]$/.test(out) || (await statOrNull(file))?.isDirectory()) file = join(file, name);
  let folder = dirname(file);
  let info = await statOrNull(folder);
  while (!info && dirname(folder) !== folder) {
    folder = dirname(folder);
    info = await statOrNull(folder);
  }
  if (!info?.isDirectory()) throw unwritable(file, `${folder} is not a folder`);
  try {
    await access(folder, constants.W_OK);
  } catch (e) {
    throw unwritable(file, `the folder ${folder} is not writable`, e);
  }
  return file;
}

/**
 * Writes the report whole or not at all (see the Node adapter's `writeFileAtomically`), with
 * a failure reported as OUTPUT_UNWRITABLE.
 *
 * @example
 * await writeReport('/tmp/report.html', html);
 */
export async function writeReport(file: string, content: string | Uint8Array): Promise<void> {
  try {
    await writeFileAtomically(file, content);
  } catch (e) {
    throw unwritable(file, (e as Error).message, e);
  }
}
