/**
 * The flags of the explanation methods, generated from the method registry: the shared
 * `--layer`, `--target`, `--output`, and each method's own options as the method describes
 * them. A flag that none of the chosen methods reads is reported instead of ignored.
 */
import { findMethod, methodRegistry, type MethodEntry, type MethodOptions } from '../methods/registry.js';
import type { OptionSpec } from '../methods/option-specs.js';
import type { Target } from '../methods/targets.js';
import { usageError, type FlagSpec, type FlagSpecs } from './command-line.js';

interface MethodFlag {
  key: string;
  spec: OptionSpec;
  methods: MethodEntry[];
}

/** Every method option by flag name, with the methods that read it. */
function collectMethodFlags(): Map<string, MethodFlag> {
  const flags = new Map<string, MethodFlag>();
  for (const method of methodRegistry) {
    for (const [key, spec] of Object.entries(method.options)) {
      const known = flags.get(spec.flag);
      if (known) known.methods.push(method);
      else flags.set(spec.flag, { key, spec, methods: [method] });
    }
  }
  return flags;
}

const methodFlagTable = collectMethodFlags();
const names = (methods: readonly MethodEntry[]) => methods.map((m) => m.name).join(', ');
const layerMethods = methodRegistry.filter((m) => m.usesLayer);

const group = 'Method options (each read by the methods named)';

/** `--layer`, `--target`, `--output` and every method's own flags, for a command's spec. */
type StringFlag = FlagSpec & { type: 'string' };

export const methodFlags: { layer: StringFlag; target: StringFlag; output: StringFlag } & FlagSpecs = {
  layer: { type: 'string' as const, value: 'L', group, help: `(${names(layerMethods)}) layer to map: module path, node or tensor name; default the last spatial layer` },
  target: { type: 'string', value: 'T', group, help: 'class index or name, a list (281,285: each image for each), topK, or sum (all outputs); default top1' },
  output: { type: 'string', value: 'NAME', group, help: 'the model output the target refers to (default the first)' },
  ...Object.fromEntries([...methodFlagTable].map(([flag, { spec, methods }]): [string, FlagSpec] => [flag, {
    type: spec.value === undefined ? 'boolean' : 'string', value: spec.value, group, help: `(${names(methods)}) ${spec.help}`,
  }])),
};

/** `--target`: a class index or name, a comma-separated list of them, topK, or sum. */
export function parseTarget(command: string, value: string | undefined): Target | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^top\d+$/.test(text) || text === 'sum') return text;
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  if (parts.length === 0) throw usageError(command, '--target is empty; give a class index or name, a list, topK or sum.');
  const classes = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  return classes.length === 1 ? classes[0] : classes;
}

/** `--method a,b,c` as registry entries, once each; `fallback` when the flag is absent. */
export function parseMethodList(command: string, value: string | undefined, fallback: readonly MethodEntry[]): readonly MethodEntry[] {
  if (value === undefined) return fallback;
  const list = [...new Set(value.split(',').map((m) => m.trim()).filter((m) => m.length > 0))];
  if (list.length === 0) throw usageError(command, `--method is empty; give method names separated by commas (${names(methodRegistry)}).`);
  return list.map(findMethod);
}

/**
 * The method options given on the command line, parsed by the methods' own descriptions.
 * Throws `BAD_OPTION` for a flag that none of `methods` reads (`--patch` with gradcam).
 */
export function parseMethodOptions(command: string, values: Record<string, unknown>, methods: readonly MethodEntry[]): MethodOptions {
  const options: Record<string, unknown> = {};
  const notRead = (flag: string, readers: readonly MethodEntry[]) => usageError(command,
    `--${flag} is read by ${names(readers)}, and none of the chosen methods (${names(methods)}) is one of them; add one to --method or leave --${flag} out.`);
  if (values.layer !== undefined) {
    if (!methods.some((m) => m.usesLayer)) throw notRead('layer', layerMethods);
    options.layer = values.layer;
  }
  if (values.target !== undefined) options.target = parseTarget(command, values.target as string);
  if (values.output !== undefined) options.output = values.output;
  for (const [flag, { key, spec, methods: readers }] of methodFlagTable) {
    const value = values[flag];
    if (value === undefined) continue;
    if (!methods.some((m) => readers.includes(m))) throw notRead(flag, readers);
    options[key] = spec.parse(value as string | true);
  }
  return options as MethodOptions;
}
