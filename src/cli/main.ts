/** The `convlens` command line: dispatches to one file per command and turns errors into messages. */
import { ConvlensError } from '../errors.js';
import { methodRegistry } from '../methods/registry.js';
import { annotateCommand, annotateSpec } from './annotate-command.js';
import { UsageError, type CommandSpec } from './command-line.js';
import { compareCommand, compareSpec } from './compare-command.js';
import { demoCommand, demoSpec } from './demo-command.js';
import { dreamCommand, dreamSpec } from './dream-command.js';
import { evaluateCommand, evaluateSpec } from './evaluate-command.js';
import { explainCommand, explainSpec } from './explain-command.js';
import { featuresCommand, featuresSpec, filtersCommand, filtersSpec } from './inside-commands.js';
import { layersCommand, layersSpec } from './layers-command.js';
import { reportCommand, reportSpec } from './report-command.js';
import { scanCommand, scanSpec } from './scan-command.js';
import { embedCommand, embedSpec } from './embed-command.js';
import { strategiesCommand, strategiesSpec } from './strategies-command.js';
import { visualizeCommand, visualizeSpec } from './visualize-command.js';
import { appCommand, appSpec } from './app-command.js';
import { workerCommand, workerSpec } from './worker-command.js';

type Run = (argv: string[], print: (line: string) => void) => Promise<void>;

/** Every command with the declaration its help, checks and this overview come from, in the order the overview lists them. */
export const commands: readonly { spec: CommandSpec; run: Run }[] = [
  { spec: demoSpec, run: demoCommand },
  { spec: layersSpec, run: layersCommand },
  { spec: explainSpec, run: explainCommand },
  { spec: compareSpec, run: compareCommand },
  { spec: reportSpec, run: reportCommand },
  { spec: filtersSpec, run: filtersCommand },
  { spec: featuresSpec, run: featuresCommand },
  { spec: visualizeSpec, run: visualizeCommand },
  { spec: dreamSpec, run: dreamCommand },
  { spec: scanSpec, run: scanCommand },
  { spec: embedSpec, run: embedCommand },
  { spec: strategiesSpec, run: strategiesCommand },
  { spec: evaluateSpec, run: evaluateCommand },
  { spec: annotateSpec, run: annotateCommand },
  { spec: appSpec, run: appCommand },
  { spec: workerSpec, run: workerCommand },
];

const findCommand = (name: string) => commands.find((c) => c.spec.name === name);

/** Words of `text` in lines of at most `width` characters. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const word of text.split(' ')) {
    const last = lines.length - 1;
    if (last >= 0 && lines[last].length + 1 + word.length <= width) lines[last] += ` ${word}`;
    else lines.push(word);
  }
  return lines;
}

function usage(): string {
  const width = Math.max(...commands.map((c) => c.spec.name.length)) + 2;
  const indent = ' '.repeat(11 + width);
  return [
    'convlens: see what a convolutional network sees, and why it decides what it decides.',
    '',
    ...commands.flatMap(({ spec }) => wrap(spec.summary, 96 - indent.length)
      .map((line, i) => (i === 0 ? `  convlens ${spec.name.padEnd(width)}${line}` : `${indent}${line}`))),
    '',
    `Methods: ${methodRegistry.map((m) => m.name).join(', ')}.`,
    '--model takes a path or an http(s) URL (downloaded once, then cached).',
    '`convlens <command> --help` (or `convlens help <command>`) lists every option of a command.',
  ].join('\n');
}

/** Runs the CLI; returns the exit code. Errors are printed as messages, never as stack traces. */
export async function main(argv: string[], print = (l: string) => console.log(l), printError = (l: string) => console.error(l)): Promise<number> {
  const [name, ...rest] = argv;
  if (name === 'help' && rest.length > 0 && findCommand(rest[0])) return main([rest[0], '--help'], print, printError);
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    print(usage());
    return name ? 0 : 1;
  }
  const command = findCommand(name);
  if (!command) {
    printError(`convlens: unknown command "${name}".\n\n${usage()}`);
    return 2;
  }
  try {
    await command.run(rest, print);
    return 0;
  } catch (e) {
    if (e instanceof ConvlensError) {
      printError(`convlens ${name}: ${e.message} [${e.code}]`);
      return e instanceof UsageError ? 2 : 1;
    }
    const err = e as Error & { code?: string };
    if (err.code?.startsWith('ERR_PARSE_ARGS')) {
      printError(`convlens ${name}: ${err.message}. Run \`convlens help\` for usage.`);
      return 2;
    }
    printError(`convlens ${name}: unexpected error: ${err.message ?? String(e)}\nThis is a convlens bug; please report it with the command you ran.`);
    if (process.env.CONVLENS_DEBUG) printError(String(err.stack));
    return 1;
  }
}
