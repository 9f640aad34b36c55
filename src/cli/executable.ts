/** The `convlens` executable: signal handling around `main`. */
import { exitOnInterrupt } from '../node/interrupts.js';
import { glibcVersion, rerunWithMallocTuning, stopWithParent, wantsMallocTuning } from '../node/malloc-tuning.js';
import { main } from './main.js';

/**
 * Runs the command line as a process: Ctrl-C or SIGTERM leaves the outputs as they were (or
 * complete) and exits with 130 or 143; otherwise the exit code is `main`'s. On glibc the
 * command runs in a child process started with the malloc settings of `src/node/malloc-tuning.ts`, unless the environment
 * already sets malloc options or `CONVLENS_MALLOC=default`.
 */
export async function runCommandLine(argv = process.argv.slice(2)): Promise<void> {
  // Memory freed by onnxruntime goes back to the system only under these settings (see malloc-tuning.ts).
  if (wantsMallocTuning(process.env, glibcVersion())) {
    process.exitCode = await rerunWithMallocTuning(argv);
    return;
  }
  exitOnInterrupt((signal) => process.stderr.write(`\nconvlens: stopped by ${signal}; no output was left half-written.\n`));
  stopWithParent();
  process.exitCode = await main(argv);
}
