/**
 * How a command declares its arguments, and everything that follows from the declaration:
 * parsing, `--help`, and messages for unknown flags (with the closest known one), missing
 * values, missing or stray arguments. A command writes one {@link CommandSpec} and calls
 * {@link parseCommandLine} first thing; it returns undefined when it printed the help.
 *
 * @example
 * const spec = defineCommand({
 *   name: 'layers', summary: 'List the layers of a model.',
 *   flags: { model: { type: 'string', value: 'M.onnx', help: 'the model' }, json: { type: 'boolean', help: 'print JSON' } },
 * });
 * const args = parseCommandLine(spec, argv, print);
 * if (!args) return;
 * args.values.model; // string | undefined
 */
import { parseArgs } from 'node:util';
import { ConvlensError } from '../errors.js';
import { closestNames } from '../onnx/layers.js';

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** May be given several times (`--model a.onnx --model b.onnx`). */
  multiple?: boolean;
  /** Placeholder of the value in the help (`N`, `M.onnx`). */
  value?: string;
  help: string;
  /** Heading the flag is listed under in the help; default "Options". */
  group?: string;
  /** What to do instead, when a flag that is not `multiple` is given twice. */
  onceHint?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

export interface CommandSpec<F extends FlagSpecs = FlagSpecs> {
  name: string;
  /** One or two sentences: what the command does and writes. */
  summary: string;
  /** Positional arguments, e.g. `{ name: 'IMAGE...', min: 1, help: 'pictures to explain' }`; none when absent. */
  positionals?: { name: string; min: number; help: string };
  flags: F;
  /** Lines after the flags: details, defaults, examples. */
  notes?: string[];
}

/** The parsed value of each declared flag: a string, a list of strings, or a boolean. */
export type FlagValues<F extends FlagSpecs> = {
  [K in keyof F]?: F[K]['type'] extends 'boolean' ? boolean : F[K]['multiple'] extends true ? string[] : string;
};

export interface ParsedCommandLine<F extends FlagSpecs> {
  values: FlagValues<F>;
  positionals: string[];
}

/** Keeps the literal types of `spec.flags`, so parsed values are typed per flag. */
export function defineCommand<const F extends FlagSpecs>(spec: CommandSpec<F>): CommandSpec<F> {
  return spec;
}

/** A mistake in the command line itself (the CLI exits with status 2 for it, as for unknown flags). */
export class UsageError extends ConvlensError {
  constructor(message: string) {
    super('BAD_OPTION', message);
  }
}

/** A usage mistake: the message says what to change, and `convlens <command> --help` shows the rest. */
export function usageError(command: string, message: string): UsageError {
  return new UsageError(`${message} Run \`convlens ${command ? `${command} --help\` for its options` : 'help\` for usage'}.`);
}

function flagColumn(name: string, flag: FlagSpec): string {
  return `--${name}${flag.type === 'string' ? ` ${flag.value ?? 'VALUE'}` : ''}${flag.multiple ? ' ...' : ''}`;
}

/** The help of a command, generated from its spec. */
export function commandHelp(spec: CommandSpec): string {
  const entries = Object.entries(spec.flags);
  const width = Math.min(30, Math.max(...entries.map(([n, f]) => flagColumn(n, f).length), spec.positionals?.name.length ?? 0) + 2);
  const row = (left: string, help: string) => `  ${left.padEnd(width)}${left.length > width ? `\n  ${' '.repeat(width)}` : ''}${help}`;
  const lines = [`convlens ${spec.name}${spec.positionals ? ` ${spec.positionals.name}` : ''} [options]`, '', spec.summary];
  if (spec.positionals) lines.push('', 'Arguments:', row(spec.positionals.name, spec.positionals.help));
  const groups = [...new Set(entries.map(([, f]) => f.group ?? 'Options'))];
  for (const group of groups) {
    lines.push('', `${group}:`);
    for (const [name, flag] of entries) if ((flag.group ?? 'Options') === group) lines.push(row(flagColumn(name, flag), flag.help));
  }
  lines.push(row('--help', 'show this help'));
  if (spec.notes?.length) lines.push('', ...spec.notes);
  return lines.join('\n');
}

function unknownFlag(spec: CommandSpec, raw: string): ConvlensError {
  const name = raw.replace(/^-+/, '');
  const near = closestNames(name, Object.keys(spec.flags), 1);
  const hint = near.length ? ` Did you mean --${near[0]}?` : '';
  return usageError(spec.name, `Unknown option "${raw}" for \`convlens ${spec.name}\`.${hint}`);
}

/** A stray argument that names a model is most likely a forgotten --model. */
function strayArgument(spec: CommandSpec, arg: string, expected: string): ConvlensError {
  if (/\.onnx([?#].*)?$/i.test(arg) && 'model' in spec.flags) {
    return usageError(spec.name, `"${arg}" looks like a model: give it with --model ${arg}.`);
  }
  return usageError(spec.name, `Unexpected argument "${arg}": ${expected}.`);
}

/**
 * Parses `argv` against the spec, or prints the help and returns undefined for `--help`/`-h`.
 * Throws `BAD_OPTION` for unknown flags, flags without their value, values given to
 * switches, too few positional arguments, and arguments where none are taken.
 */
export function parseCommandLine<F extends FlagSpecs>(spec: CommandSpec<F>, argv: string[], print: (line: string) => void): ParsedCommandLine<F> | undefined {
  const options = Object.fromEntries(Object.entries(spec.flags).map(([name, f]) => [name, { type: f.type, multiple: f.multiple ?? false }]));
  const { values, positionals, tokens } = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true });
  if (tokens.some((t) => t.kind === 'option' && (t.name === 'help' || t.name === 'h') && !(t.name in spec.flags))) {
    print(commandHelp(spec));
    return undefined;
  }
  const given = new Set<string>();
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const flag = spec.flags[t.name];
    if (!flag) throw unknownFlag(spec, t.rawName);
    if (given.has(t.name) && !flag.multiple) throw usageError(spec.name, `${spec.name} takes one --${t.name}${flag.onceHint ? `; ${flag.onceHint}` : ''}.`);
    given.add(t.name);
    if (flag.type === 'string' && t.value === undefined) throw usageError(spec.name, `${t.rawName} needs a value${flag.value ? ` (${flag.value})` : ''}.`);
    if (flag.type === 'boolean' && t.value !== undefined) throw usageError(spec.name, `${t.rawName} is a switch and takes no value; got "${t.value}".`);
  }
  const wanted = spec.positionals;
  if (!wanted && positionals.length > 0) throw strayArgument(spec, positionals[0], `\`convlens ${spec.name}\` takes no arguments, only options`);
  if (wanted) {
    const model = positionals.find((p) => /\.onnx([?#].*)?$/i.test(p));
    if (model && 'model' in spec.flags) throw strayArgument(spec, model, '');
    if (positionals.length < wanted.min) throw usageError(spec.name, `Give at least ${wanted.min === 1 ? 'one' : wanted.min} ${wanted.name.replace(/\.\.\.$/, '').toLowerCase()} (${wanted.help}).`);
  }
  return { values: values as FlagValues<F>, positionals };
}

/**
 * A numeric flag's value, or undefined when the flag was not given: any finite number, or
 * with `wholeFrom` a whole number of at least that much (and at most `max` when given).
 *
 * @example
 * numberFlag('visualize', 'steps', values.steps, { wholeFrom: 1 }); // 512 for "--steps 512"
 */
export function numberFlag(command: string, flag: string, value: string | undefined, options: { wholeFrom?: number; max?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const { wholeFrom: min, max } = options;
  if (min === undefined ? !Number.isFinite(n) : !(Number.isInteger(n) && n >= min && n <= (max ?? Infinity))) {
    const range = max === undefined ? `of at least ${min}` : `from ${min} to ${max}`;
    throw usageError(command, `--${flag} must be ${min === undefined ? 'a number' : `a whole number ${range}`}; got "${value}".`);
  }
  return n;
}
