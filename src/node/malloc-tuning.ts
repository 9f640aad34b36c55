/**
 * glibc malloc settings for processes that run large models. With glibc's defaults, memory
 * onnxruntime frees (a released session's weights and arena, the parsed model during session
 * creation) mostly stays in the process: freed blocks up to 32 MiB are kept in per-thread heaps
 * for reuse, since every large free raises the size below which glibc stops handing memory back
 * to the system, and each onnxruntime thread gets a heap of its own. A fixed mmap threshold
 * keeps large blocks in their own mappings, returned to the system when freed, and two heaps
 * bound what the threads keep. glibc reads these settings only when a process starts, so the
 * command line starts itself again with them; library users set them in their own environment.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

/** The environment the command line runs under on glibc (also what the README recommends). */
export const mallocTuning: Readonly<Record<string, string>> = {
  MALLOC_ARENA_MAX: '2',
  MALLOC_MMAP_THRESHOLD_: '131072',
};

/** Set to `default` to keep glibc's own settings. */
export const MALLOC_SWITCH = 'CONVLENS_MALLOC';

/**
 * Whether this process should start again under {@link mallocTuning}: only on glibc, and not
 * when the caller chose any malloc setting (or `CONVLENS_MALLOC=default`) or already did so.
 *
 * @example
 * if (wantsMallocTuning(process.env, glibcVersion())) process.exitCode = await rerunWithMallocTuning();
 */
export function wantsMallocTuning(env: NodeJS.ProcessEnv, glibc: string | undefined): boolean {
  if (!glibc || env[MALLOC_SWITCH] !== undefined) return false;
  return Object.keys(env).every((k) => !k.startsWith('MALLOC_'));
}

/** The glibc version this process runs on, or undefined on other C libraries and systems. */
export function glibcVersion(): string | undefined {
  const report = process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined;
  return report?.header?.glibcVersionRuntime;
}

/**
 * Runs this same script with `argv` as a child process under {@link mallocTuning} and resolves with its
 * exit code. Signals sent to this process are passed on, so the child cleans up as it would
 * alone; a child killed by a signal gives 128 + its number, as a shell reports it.
 */
export function rerunWithMallocTuning(argv = process.argv.slice(2)): Promise<number> {
  return new Promise((resolve, reject) => {
    // The IPC channel closes when this process dies in any way, SIGKILL included (see stopWithParent).
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1], ...argv], {
      stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
      env: { ...process.env, ...mallocTuning, [MALLOC_SWITCH]: 'tuned' },
    });
    const forward = (signal: NodeJS.Signals) => () => { child.kill(signal); };
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, forward(s));
    child.on('error', reject);
    // The handlers stay: a signal between the child's end and this process's would otherwise
    // kill it, reporting a finished run as interrupted.
    child.on('exit', (code, signal) => {
      resolve(code ?? 128 + ((signal && constants.signals[signal]) || 1));
    });
  });
}

/**
 * In the process {@link rerunWithMallocTuning} started: stops as on SIGTERM (outputs rolled
 * back, a worker's shard returned to its queue) when the parent is gone. A parent killed with
 * SIGKILL cannot pass the signal on, and the user who killed it expects the work to stop.
 */
export function stopWithParent(): void {
  if (!process.channel || process.env[MALLOC_SWITCH] !== 'tuned') return;
  // The channel must not keep this process alive once its work is done.
  process.channel.unref();
  process.once('disconnect', () => { process.kill(process.pid, 'SIGTERM'); });
}
