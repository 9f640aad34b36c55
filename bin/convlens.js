#!/usr/bin/env node
import { runCommandLine } from '../dist/cli/executable.js';

await runCommandLine();
