/** Flags that tune the explanation methods, shared by `explain` and `compare`. */
import type { MethodOptions } from '../methods/registry.js';
import type { Target } from '../methods/targets.js';
import { badUsage } from './options.js';

export const methodOptionSpec = {
  layer: { type: 'string' },
  target: { type: 'string' },
  output: { type: 'string' },
  samples: { type: 'string' },
  noise: { type: 'string' },
  seed: { type: 'string' },
  steps: { type: 'string' },
  baseline: { type: 'string' },
  patch: { type: 'string' },
  stride: { type: 'string' },
  fill: { type: 'string' },
  unit: { type: 'string' },
} as const;

type MethodFlags = { [K in keyof typeof methodOptionSpec]?: string };

/** `--target`: a class index or name, a comma-separated list of them, topK, or sum. */
export function parseTarget(value: string | undefined): Target | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^top\d+$/.test(text) || text === 'sum') return text;
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
  if (parts.length === 0) throw badUsage('--target is empty; give a class index or name, a list, topK or sum.');
  const classes = parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  return classes.length === 1 ? classes[0] : classes;
}

function number(flag: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || (integer && !Number.isInteger(n))) throw badUsage(`--${flag} must be ${integer ? 'an integer' : 'a number'}; got "${value}".`);
  return n;
}

/** "8" or "8x4" (height x width). */
function size(flag: string, value: string | undefined): number | [number, number] | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+)(?:x(\d+))?$/.exec(value.trim());
  if (!m) throw badUsage(`--${flag} must be a size like 8 or 8x4; got "${value}".`);
  return m[2] === undefined ? Number(m[1]) : [Number(m[1]), Number(m[2])];
}

/** "LAYER:CHANNEL" or "LAYER:CHANNEL:Y:X"; the layer name may itself hold colons. */
function unit(value: string | undefined): MethodOptions['unit'] {
  if (value === undefined) return undefined;
  const m = /^(.+?):(\d+)(?::(\d+):(\d+))?$/.exec(value.trim());
  if (!m) throw badUsage(`--unit must be LAYER:CHANNEL or LAYER:CHANNEL:Y:X, e.g. layer4:12; got "${value}".`);
  return { layer: m[1], channel: Number(m[2]), ...(m[3] === undefined ? {} : { y: Number(m[3]), x: Number(m[4]) }) };
}

export function parseMethodOptions(flags: MethodFlags): MethodOptions {
  const fill = flags.fill === undefined ? undefined : /^-?[\d.]+$/.test(flags.fill) ? Number(flags.fill) : flags.fill;
  if (typeof fill === 'string' && !['zero', 'mean', 'blur'].includes(fill)) throw badUsage(`--fill must be zero, mean, blur or a number; got "${fill}".`);
  const baseline = flags.baseline;
  if (baseline !== undefined && !['black', 'zero', 'blur'].includes(baseline)) throw badUsage(`--baseline must be black, zero or blur; got "${baseline}".`);
  const options: MethodOptions = {
    target: parseTarget(flags.target),
    output: flags.output,
    layer: flags.layer,
    samples: number('samples', flags.samples, true),
    noise: number('noise', flags.noise, false),
    seed: number('seed', flags.seed, true),
    steps: number('steps', flags.steps, true),
    baseline: baseline as MethodOptions['baseline'],
    patch: size('patch', flags.patch),
    stride: size('stride', flags.stride),
    fill: fill as MethodOptions['fill'],
    unit: unit(flags.unit),
  };
  return Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as MethodOptions;
}
