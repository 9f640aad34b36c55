/** `convlens dream`: deep dream on a picture, octave by octave. */
import { basename, dirname } from 'node:path';
import { encodePngBytes } from '../node/codecs.js';
import { loadImage } from '../node/index.js';
import { deepDream } from '../synthesis/deep-dream.js';
import { defineCommand, numberFlag, parseCommandLine, usageError } from './command-line.js';
import { modelFlags, openModelFromFlags } from './options.js';
import { OutputDir } from './output-dir.js';
import { withProgress } from './progress.js';

export const dreamSpec = defineCommand({
  name: 'dream',
  summary: 'Deep dream: changes a picture, octave by octave from a small copy up, so that a layer (or an objective) responds more, and writes it as a PNG.',
  positionals: { name: 'IMAGE', min: 1, help: 'the picture to dream on' },
  flags: {
    ...modelFlags,
    layer: { type: 'string', value: 'L', help: 'the layer whose activations grow (L2 of the whole layer)' },
    objective: { type: 'string', value: 'O', help: 'instead of --layer, any objective of `convlens visualize` (e.g. channel:layer3:12)' },
    octaves: { type: 'string', value: 'N', help: 'image pyramid levels (default 4)' },
    scale: { type: 'string', value: 'S', help: 'size ratio between octaves (default 1.4)' },
    steps: { type: 'string', value: 'N', help: 'gradient steps per octave (default 20)' },
    lr: { type: 'string', value: 'R', help: 'step size (default 0.01)' },
    jitter: { type: 'string', value: 'PX', help: 'largest random shift per step, in pixels (default 32 at a 224-pixel side, in proportion)' },
    seed: { type: 'string', value: 'N', help: 'seed of the jitter (same seed, same picture)' },
    out: { type: 'string', value: 'FILE.png', help: 'the dreamed picture (default convlens-dream.png)' },
  },
  notes: ['Example: convlens dream cat.jpg --model resnet50.onnx --layer layer3 --octaves 4 --out dream.png'],
});

export async function dreamCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const args = parseCommandLine(dreamSpec, argv, print);
  if (!args) return;
  const { values, positionals } = args;
  if (positionals.length !== 1) throw usageError('dream', 'Give exactly one picture to dream on.');
  if (!values.layer && !values.objective) throw usageError('dream', 'Missing --layer (or --objective such as channel:layer3:12).');
  const picture = await loadImage(positionals[0]);
  const model = await openModelFromFlags(values);
  try {
    const dream = await withProgress('dream', (onProgress) => deepDream(model, picture, {
      layer: values.layer, objective: values.objective,
      octaves: numberFlag('dream', 'octaves', values.octaves), scale: numberFlag('dream', 'scale', values.scale), steps: numberFlag('dream', 'steps', values.steps),
      lr: numberFlag('dream', 'lr', values.lr), jitter: numberFlag('dream', 'jitter', values.jitter), seed: numberFlag('dream', 'seed', values.seed),
      onProgress,
    }));
    const file = values.out ?? 'convlens-dream.png';
    const out = new OutputDir(dirname(file));
    const path = out.add(basename(file), await encodePngBytes(dream.picture));
    await out.commit();
    for (const o of dream.octaves) print(`octave ${o.size[0]}x${o.size[1]}: objective ${o.before.toFixed(4)} -> ${o.after.toFixed(4)}`);
    print(`wrote ${path}`);
  } finally {
    await model.dispose();
  }
}
