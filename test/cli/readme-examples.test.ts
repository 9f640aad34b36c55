/**
 * The README's command lines are read by the same parser as the real ones: every example
 * names a command, only flags that command has, a value for each valued flag, and methods
 * that exist. (They need models the repository does not hold, so they are parsed, not run.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommandLine } from '../../src/cli/command-line.js';
import { commands } from '../../src/cli/main.js';
import { findMethod } from '../../src/methods/registry.js';

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');

/** `npx convlens ...` lines of the README's code blocks, continuation lines joined, comments dropped. */
function examples(): string[] {
  const lines: string[] = [];
  let inCode = false;
  for (const line of readme.replace(/\\\n\s*/g, '').split('\n')) {
    if (line.startsWith('```')) inCode = !inCode;
    const example = inCode ? /npx convlens (.*)$/.exec(line)?.[1] : undefined;
    // `[--out FILE.html]` marks an optional part, not a command line to type.
    if (example !== undefined && !example.includes(' [')) lines.push(example.replace(/\s+#.*$/, '').trim());
  }
  return lines;
}

/** Shell words: spaces split, single and double quotes group. */
function words(line: string): string[] {
  return [...line.matchAll(/(?:[^\s'"]+|'[^']*'|"[^"]*")+/g)].map((m) => m[0].replace(/'([^']*)'|"([^"]*)"/g, (_, a, b) => a ?? b));
}

describe('README command lines', () => {
  const lines = examples();

  it('are found', () => {
    expect(lines.length).toBeGreaterThan(30);
    expect(lines.filter((l) => l.startsWith('scan '))).toHaveLength(5);
  });

  it.each(lines)('convlens %s', (line) => {
    const [name, ...argv] = words(line);
    if (name === 'help') return;
    const command = commands.find((c) => c.spec.name === name);
    expect(command, `no command "${name}"`).toBeDefined();
    expect(() => parseCommandLine(command!.spec, argv, () => {})).not.toThrow();
    // Commands whose --method or --methods lists explanation methods (embed's --method is a projection).
    if (['explain', 'compare', 'report', 'evaluate', 'strategies'].includes(name)) {
      const at = argv.findIndex((a) => a === '--method' || a === '--methods');
      for (const m of at < 0 ? [] : argv[at + 1].split(',')) expect(() => findMethod(m)).not.toThrow();
    }
  });
});
