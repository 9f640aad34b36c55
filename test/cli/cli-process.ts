/** The command line as its own process, from the sources: `node --import tsx test/cli/cli-process.ts ARGS`. */
import { runCommandLine } from '../../src/cli/executable.js';

await runCommandLine();
