/**
 * The tuning options of each explanation method, described at run time so that the command
 * line, its help and its checks come from the methods themselves. Each description is typed
 * against the method's own options interface with every key required: an option added to a
 * method and not described here is a compile error, so the two cannot drift apart.
 */
import type { ProgressOptions } from '../engine/engine.js';
import { ConvlensError } from '../errors.js';
import type { SaliencyOptions } from './saliency.js';
import type { IntegratedGradientsOptions } from './integrated-gradients.js';
import type { OcclusionOptions } from './occlusion.js';
import type { ScoreCamOptions } from './score-cam.js';
import type { SmoothGradOptions } from './smoothgrad.js';

/** One option: its command-line flag, how its text becomes a value, and a line of help. */
export interface OptionSpec {
  /** Flag name without dashes, e.g. `blur-sigma`. */
  flag: string;
  /** Placeholder for the value in help (`N`, `S`, `HxW`); absent for switches. */
  value?: string;
  help: string;
  /** Text (or `true` for a switch) to the option's value; throws `BAD_OPTION` with the reason. */
  parse(text: string | true): unknown;
}

/** Options every method shares; they are command-level flags (`--target`, `--layer`, `--output`). */
type SharedKeys = keyof ProgressOptions | 'target' | 'output' | 'layer';

/** A description for every method-specific key of `T`, none left out. */
export type OptionSpecs<T> = { [K in Exclude<keyof T, SharedKeys>]-?: OptionSpec };

const bad = (flag: string, message: string) => new ConvlensError('BAD_OPTION', `--${flag} ${message}`);

const text = (flag: string, v: string | true): string => {
  if (v === true) throw bad(flag, 'needs a value.');
  return v.trim();
};

/** A number option; `integer` and `min` restrict it. */
export function numberOption(flag: string, value: string, help: string, rule: { integer?: boolean; min?: number } = {}): OptionSpec {
  return {
    flag, value, help,
    parse(v) {
      const n = Number(text(flag, v));
      const what = `${rule.integer ? 'an integer' : 'a number'}${rule.min === undefined ? '' : ` of at least ${rule.min}`}`;
      if (!Number.isFinite(n) || (rule.integer && !Number.isInteger(n)) || (rule.min !== undefined && n < rule.min)) throw bad(flag, `must be ${what}; got "${String(v)}".`);
      return n;
    },
  };
}

/** One of a fixed set of words. */
export function choiceOption<T extends string>(flag: string, choices: readonly T[], help: string): OptionSpec {
  return {
    flag, value: choices.join('|'), help,
    parse(v) {
      const t = text(flag, v);
      if (!(choices as readonly string[]).includes(t)) throw bad(flag, `must be one of ${choices.join(', ')}; got "${t}".`);
      return t;
    },
  };
}

/** A switch: present means true. */
export function switchOption(flag: string, help: string): OptionSpec {
  return {
    flag, help,
    parse(v) {
      if (v !== true) throw bad(flag, `is a switch and takes no value; got "${v}".`);
      return true;
    },
  };
}

/** "8" or "8x4" (height x width). */
function sizeOption(flag: string, help: string): OptionSpec {
  return {
    flag, value: 'HxW', help,
    parse(v) {
      const m = /^(\d+)(?:x(\d+))?$/.exec(text(flag, v));
      if (!m || Number(m[1]) < 1 || Number(m[2] ?? 1) < 1) throw bad(flag, `must be a positive size like 8 or 8x4 (height x width); got "${String(v)}".`);
      return m[2] === undefined ? Number(m[1]) : [Number(m[1]), Number(m[2])];
    },
  };
}

const blurSigma = numberOption('blur-sigma', 'S', 'Gaussian sigma in pixels of the blur baseline or fill', { min: 0 });

export const saliencyOptionSpecs: OptionSpecs<SaliencyOptions> = {
  rule: choiceOption('rule', ['vanilla', 'guided', 'deconvnet'], 'ReLU rule of the gradients (default vanilla)'),
};

export const smoothGradOptionSpecs: OptionSpecs<SmoothGradOptions> = {
  ...saliencyOptionSpecs,
  samples: numberOption('samples', 'N', 'noisy copies per image (default 25)', { integer: true, min: 1 }),
  noise: numberOption('noise', 'S', 'noise level, a fraction of the input range (default 0.15)', { min: 0 }),
  seed: numberOption('seed', 'N', 'seed of the noise (default 0); same seed, same bytes', { integer: true }),
  squared: switchOption('squared', 'average squared gradients (SmoothGrad-Squared)'),
};

export const integratedGradientsOptionSpecs: OptionSpecs<IntegratedGradientsOptions> = {
  steps: numberOption('steps', 'N', 'intervals of the path (default 32)', { integer: true, min: 1 }),
  baseline: choiceOption('baseline', ['black', 'zero', 'blur'], 'where the path starts (default black)'),
  blurSigma,
  method: choiceOption('integration', ['riemann-right', 'trapezoid'], 'how the path integral is summed (default riemann-right)'),
};

export const occlusionOptionSpecs: OptionSpecs<OcclusionOptions> = {
  patch: sizeOption('patch', 'patch size in input pixels (default 8)'),
  stride: sizeOption('stride', 'step between patches (default the patch size)'),
  fill: {
    flag: 'fill', value: 'zero|mean|blur|V', help: 'what covers the patch (default zero)',
    parse(v) {
      const t = text('fill', v);
      if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
      if (!['zero', 'mean', 'blur'].includes(t)) throw bad('fill', `must be zero, mean, blur or a number; got "${t}".`);
      return t;
    },
  },
  blurSigma,
  unit: {
    flag: 'unit', value: 'LAYER:CHANNEL[:Y:X]', help: 'score the mean (or one value) of a channel of a layer instead of a target',
    parse(v) {
      // The layer name may itself hold colons, so the numbers are matched from the end.
      const m = /^(.+?):(\d+)(?::(\d+):(\d+))?$/.exec(text('unit', v));
      if (!m) throw bad('unit', `must be LAYER:CHANNEL or LAYER:CHANNEL:Y:X, e.g. layer4:12; got "${String(v)}".`);
      return { layer: m[1], channel: Number(m[2]), ...(m[3] === undefined ? {} : { y: Number(m[3]), x: Number(m[4]) }) };
    },
  },
  batchSize: numberOption('batch-size', 'N', 'occluded or masked inputs per forward call (default what the memory budget allows)', { integer: true, min: 1 }),
};

export const scoreCamOptionSpecs: OptionSpecs<ScoreCamOptions> = {
  batchSize: occlusionOptionSpecs.batchSize,
};
