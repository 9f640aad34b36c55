/**
 * All-or-nothing output. Files are collected in memory; `commit` checks every destination,
 * writes the new files into a hidden staging folder beside them, then swaps them in, moving
 * any earlier file of the same name aside first. Any failure puts every earlier file back and
 * removes what was written. The commit runs synchronously from start to end, so a Ctrl-C or
 * SIGTERM (handled by the command line between events) sees the folder either as it was or
 * complete, never half-swapped.
 */
import { lstatSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ConvlensError } from '../errors.js';
import { makeFolders } from '../node/make-folders.js';

interface Swap {
  dest: string;
  /** Where the earlier file at `dest` waits until the commit ends. */
  backup?: string;
  placed: boolean;
}

const message = (e: unknown) => (e as Error).message;

function kindOf(path: string): 'missing' | 'folder' | 'other' {
  try {
    return lstatSync(path).isDirectory() ? 'folder' : 'other';
  } catch {
    return 'missing';
  }
}

export class OutputDir {
  private readonly files = new Map<string, Uint8Array | string>();

  constructor(readonly dir: string) {}

  /** Adds a file by its path in the folder (`a.png`, or `layers/x/a.png` for a subfolder). */
  add(name: string, content: Uint8Array | string): string {
    this.files.set(name, content);
    return join(this.dir, name);
  }

  /**
   * Fails fast, before any work, when the folder cannot be made: creates it (and its missing
   * parents) to be sure, then removes what it created.
   */
  check(): void {
    const target = resolve(this.dir);
    try {
      const created = makeFolders(target);
      if (created) rmSync(created, { recursive: true });
    } catch (e) {
      throw new ConvlensError('OUTPUT_UNWRITABLE', `Cannot create the output folder ${target} (${message(e)}); choose another with --out.`, { cause: e });
    }
  }

  /**
   * Writes every added file, replacing earlier files of the same names; on failure the
   * folder is left exactly as it was. Returns the written paths.
   */
  async commit(): Promise<string[]> {
    const target = resolve(this.dir);
    let created: string | undefined;
    try {
      created = makeFolders(target);
    } catch (e) {
      throw new ConvlensError('OUTPUT_UNWRITABLE', `Cannot create the output folder ${target} (${message(e)}); choose another with --out.`, { cause: e });
    }
    const removeCreated = () => {
      if (created) rmSync(created, { recursive: true, force: true });
    };
    for (const name of this.files.keys()) {
      if (kindOf(join(target, name)) === 'folder') {
        removeCreated();
        throw new ConvlensError('OUTPUT_UNWRITABLE',
          `Cannot write ${join(target, name)}: a folder of that name is in the way; nothing was written. Move it, or choose another folder with --out.`);
      }
    }
    let staging: string;
    try {
      staging = mkdtempSync(join(target, '.convlens-staging-'));
    } catch (e) {
      removeCreated();
      throw new ConvlensError('OUTPUT_UNWRITABLE', `Cannot write to the output folder ${target} (${message(e)}); choose another with --out.`, { cause: e });
    }
    const swaps: Swap[] = [];
    // Subfolders the commit creates, removed again if it fails.
    const subfolders: string[] = [];
    try {
      const names = [...this.files.keys()];
      names.forEach((name, i) => writeFileSync(join(staging, `new-${i}`), this.files.get(name)!));
      names.forEach((name, i) => {
        const dest = join(target, name);
        const made = dirname(dest) === target ? undefined : makeFolders(dirname(dest));
        if (made) subfolders.push(made);
        const swap: Swap = { dest, placed: false };
        swaps.push(swap);
        if (kindOf(dest) !== 'missing') {
          swap.backup = join(staging, `old-${i}`);
          renameSync(dest, swap.backup);
        }
        renameSync(join(staging, `new-${i}`), dest);
        swap.placed = true;
      });
      rmSync(staging, { recursive: true, force: true });
      return swaps.map((s) => s.dest);
    } catch (e) {
      for (const s of swaps.reverse()) {
        if (s.placed) rmSync(s.dest, { force: true });
        if (s.backup) renameSync(s.backup, s.dest);
      }
      rmSync(staging, { recursive: true, force: true });
      for (const folder of subfolders) rmSync(folder, { recursive: true, force: true });
      removeCreated();
      throw new ConvlensError('OUTPUT_UNWRITABLE', `Writing the outputs to ${target} failed (${message(e)}); the folder was left as it was. Check its permissions and free space.`, { cause: e });
    }
  }
}
