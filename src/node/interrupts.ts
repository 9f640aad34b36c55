/**
 * Ctrl-C and SIGTERM for the command line: remove the temporary files still being written,
 * then exit with the shell's code for the signal (130, 143). Files convlens commits are
 * swapped in synchronously, so a signal is handled before a commit or after it, never during.
 */
import { rmSync } from 'node:fs';

const pending = new Set<string>();
let installed = false;

/**
 * Marks a temporary path for removal if the process is interrupted before it is done with
 * it; call the returned function once the path is renamed or removed.
 *
 * @example
 * const done = removeOnInterrupt(tmp);
 * try { await writeFile(tmp, bytes); await rename(tmp, file); } finally { done(); }
 */
export function removeOnInterrupt(path: string): () => void {
  pending.add(path);
  return () => pending.delete(path);
}

/**
 * Installs the SIGINT and SIGTERM handlers (once): temporary paths are removed, `onSignal`
 * may say so, and the process exits with 128 + the signal number.
 */
export function exitOnInterrupt(onSignal: (signal: string) => void = () => undefined): void {
  if (installed) return;
  installed = true;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      for (const path of pending) rmSync(path, { recursive: true, force: true });
      onSignal(signal);
      process.exit(code);
    });
  }
}
