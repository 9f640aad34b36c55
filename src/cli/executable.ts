/** The `convlens` executable: signal handling around `main`. */
import { exitOnInterrupt } from '../node/interrupts.js';
import { main } from './main.js';

/**
 * Runs the command line as a process: Ctrl-C or SIGTERM leaves the outputs as they were (or
 * complete) and exits with 130 or 143; otherwise the exit code is `main`'s.
 */
export async function runCommandLine(argv = process.argv.slice(2)): Promise<void> {
  exitOnInterrupt((signal) => process.stderr.write(`\nconvlens: stopped by ${signal}; no output was left half-written.\n`));
  process.exitCode = await main(argv);
}
