/**
 * All-or-nothing output: files are written into a hidden staging folder beside the target
 * and moved into place only when every file is ready, so a failed command leaves nothing.
 */
import { mkdir, rename, rm, writeFile, access, constants } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { ConvlensError } from '../errors.js';

export class OutputDir {
  private readonly files = new Map<string, Uint8Array | string>();

  constructor(readonly dir: string) {}

  add(name: string, content: Uint8Array | string): string {
    this.files.set(name, content);
    return join(this.dir, name);
  }

  /** Writes every added file; on failure nothing is left behind. Returns the written paths. */
  async commit(): Promise<string[]> {
    const target = resolve(this.dir);
    try {
      await mkdir(target, { recursive: true });
      await access(target, constants.W_OK);
    } catch (e) {
      throw new ConvlensError('OUTPUT_UNWRITABLE', `Cannot write to the output folder ${target} (${(e as Error).message}); choose another with --out.`, { cause: e });
    }
    const staging = join(target, `.convlens-staging-${process.pid}-${Date.now()}`);
    const written: string[] = [];
    try {
      for (const [name, content] of this.files) {
        const path = join(staging, name);
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, content);
      }
      for (const name of this.files.keys()) {
        const dest = join(target, name);
        await mkdir(dirname(dest), { recursive: true });
        await rename(join(staging, name), dest);
        written.push(dest);
      }
      return written;
    } catch (e) {
      await Promise.all(written.map((p) => rm(p, { force: true })));
      throw new ConvlensError('OUTPUT_UNWRITABLE', `Writing the outputs to ${target} failed (${(e as Error).message}); nothing was written. Check the folder's permissions and free space.`, { cause: e });
    } finally {
      await rm(staging, { recursive: true, force: true });
    }
  }
}
