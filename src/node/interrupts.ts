/**
 * Ctrl-C and SIGTERM for the command line: remove the temporary files still being written,
 * then exit with the shell's code for the signal (130, 143). Files convlens commits are
 * swapped in synchronously, so a signal is handled before a commit or after it, never during.
 * Work left elsewhere (jobs on a shared queue) gets a few seconds to be withdrawn first.
 */
import { rmSync } from 'node:fs';

const pending = new Set<string>();
const withdrawals = new Set<() => Promise<unknown>>();
let installed = false;
/** How long an interrupted process waits for its withdrawals: a stuck network must not keep it alive. */
const WITHDRAW_MS = 5000;

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
 * Registers work to undo outside this process if it is interrupted (such as removing the jobs
 * it queued); call the returned function once that work is no longer needed.
 *
 * @example
 * const done = withdrawOnInterrupt(async () => { controller.abort(); await run.catch(() => undefined); });
 * try { return await run; } finally { done(); }
 */
export function withdrawOnInterrupt(withdraw: () => Promise<unknown>): () => void {
  withdrawals.add(withdraw);
  return () => withdrawals.delete(withdraw);
}

/**
 * Installs the SIGINT and SIGTERM handlers (once): temporary paths are removed, `onSignal`
 * may say so, registered withdrawals run (for at most a few seconds), and the process exits
 * with 128 + the signal number. A second signal exits at once.
 */
export function exitOnInterrupt(onSignal: (signal: string) => void = () => undefined): void {
  if (installed) return;
  installed = true;
  let stopping = false;
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
    process.on(signal, () => {
      if (stopping) process.exit(code);
      stopping = true;
      for (const path of pending) rmSync(path, { recursive: true, force: true });
      onSignal(signal);
      if (withdrawals.size === 0) process.exit(code);
      const waited = new Promise((resolve) => setTimeout(resolve, WITHDRAW_MS).unref());
      void Promise.race([Promise.allSettled([...withdrawals].map((w) => w())), waited]).then(() => process.exit(code));
    });
  }
}
