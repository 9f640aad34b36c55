/** `convlens dream`: deep dream on a picture, octave by octave. */
import { basename, dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { encodePngBytes } from '../node/codecs.js';
import { loadImage } from '../node/index.js';
import { deepDream } from '../synthesis/deep-dream.js';
import { abortOnInterrupt } from './interrupt.js';
import { badUsage, modelOptionSpec, openModelFromFlags } from './options.js';
import { OutputDir } from './output-dir.js';
import { withProgress } from './progress.js';

function numberFlag(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw badUsage(`--${flag} must be a number; got "${value}".`);
  return n;
}

export async function dreamCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv, strict: true, allowPositionals: true,
    options: {
      ...modelOptionSpec, layer: { type: 'string' }, objective: { type: 'string' }, octaves: { type: 'string' }, scale: { type: 'string' },
      steps: { type: 'string' }, lr: { type: 'string' }, jitter: { type: 'string' }, seed: { type: 'string' }, out: { type: 'string' },
    },
  });
  if (positionals.length !== 1) throw badUsage('Give exactly one picture to dream on.');
  if (!values.layer && !values.objective) throw badUsage('Missing --layer (or --objective such as channel:layer3:12).');
  const picture = await loadImage(positionals[0]);
  const model = await openModelFromFlags(values);
  const stop = abortOnInterrupt();
  try {
    const dream = await withProgress('dream', (onProgress) => deepDream(model, picture, {
      layer: values.layer, objective: values.objective,
      octaves: numberFlag('octaves', values.octaves), scale: numberFlag('scale', values.scale), steps: numberFlag('steps', values.steps),
      lr: numberFlag('lr', values.lr), jitter: numberFlag('jitter', values.jitter), seed: numberFlag('seed', values.seed),
      onProgress, signal: stop.signal,
    }));
    const file = values.out ?? 'convlens-dream.png';
    const out = new OutputDir(dirname(file));
    const path = out.add(basename(file), await encodePngBytes(dream.picture));
    await out.commit();
    for (const o of dream.octaves) print(`octave ${o.size[0]}x${o.size[1]}: objective ${o.before.toFixed(4)} -> ${o.after.toFixed(4)}`);
    print(`wrote ${path}`);
  } finally {
    stop.release();
    await model.dispose();
  }
}
