/**
 * `convlens visualize`: the images an objective responds to most, their progress as a GIF
 * and the objective curve; or, with `--figure`, a gallery of classes, of regularizers or of
 * a layer's channels.
 */
import { basename, dirname, extname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { ConvlensModel } from '../engine/model.js';
import { makeGrid } from '../image/grid.js';
import { encodePngBytes } from '../node/codecs.js';
import { objectiveCurve } from '../render/synthesis/objective-curve.js';
import { defaultZoom, progressGif } from '../render/synthesis/progress-gif.js';
import { galleryFigure } from '../render/synthesis/synthesis-figures.js';
import { visualizeChannels, visualizeClasses, visualizeRegularizers, type GalleryItem } from '../synthesis/galleries.js';
import type { VisualizeOptions } from '../synthesis/visualize.js';
import { visualize } from '../synthesis/visualize.js';
import { badUsage, modelOptionSpec, openModelFromFlags, parseSize } from './options.js';
import { OutputDir } from './output-dir.js';
import { withProgress } from './progress.js';
import { abortOnInterrupt } from './interrupt.js';
import { upscaleNearest } from '../methods/filters.js';

const spec = {
  ...modelOptionSpec,
  objective: { type: 'string' },
  steps: { type: 'string' },
  lr: { type: 'string' },
  optimizer: { type: 'string' },
  param: { type: 'string' },
  reg: { type: 'string' },
  transforms: { type: 'string' },
  size: { type: 'string' },
  batch: { type: 'string' },
  seed: { type: 'string' },
  'redirect-relu': { type: 'string' },
  gif: { type: 'string' },
  curve: { type: 'string' },
  out: { type: 'string' },
  figure: { type: 'string' },
  classes: { type: 'string' },
  layer: { type: 'string' },
  channels: { type: 'string' },
  weights: { type: 'string' },
} as const;

function count(flag: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw badUsage(`--${flag} must be a whole number of at least ${min}; got "${value}".`);
  return n;
}

function number(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n)) throw badUsage(`--${flag} must be a number; got "${value}".`);
  return n;
}

/** "0-9", "3,5,7" or "all" (every output of the model). */
function classList(value: string | undefined, model: ConvlensModel): number[] {
  const outputs = model.engine.shapeInfo([1, ...model.itemShape]).shapes.get(model.outputName)!.slice(1).reduce((a, b) => a * b, 1);
  if (value === undefined || value === 'all') return Array.from({ length: Math.min(outputs, 100) }, (_, i) => i);
  const range = /^(\d+)-(\d+)$/.exec(value);
  if (range) return Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i);
  return value.split(',').map((v) => {
    const k = /^\d+$/.test(v) ? Number(v) : (model.labels?.indexOf(v) ?? -1);
    if (k < 0) throw badUsage(`--classes takes indices, names, a range like 0-9, or all; "${v}" is none of these.`);
    return k;
  });
}

async function gallery(figure: string, model: ConvlensModel, values: Record<string, string | undefined>, options: VisualizeOptions): Promise<GalleryItem[]> {
  if (figure === 'classes') return visualizeClasses(model, classList(values.classes, model), options);
  if (figure === 'regularizers') {
    if (!values.objective) throw badUsage('--figure regularizers needs --objective.');
    const [l1, l2] = (values.weights ?? '0.5,1').split(',').map(Number);
    if (!(l1 >= 0 && l2 >= 0)) throw badUsage(`--weights takes the L1 and L2 weights, e.g. 0.5,1; got "${values.weights}".`);
    return visualizeRegularizers(model, values.objective, { l1, l2 }, options);
  }
  if (figure === 'channels') {
    if (!values.layer) throw badUsage('--figure channels needs --layer.');
    return visualizeChannels(model, values.layer, count('channels', values.channels, 1) ?? 16, options);
  }
  throw badUsage(`--figure must be classes, regularizers or channels; got "${figure}".`);
}

export async function visualizeCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const { values } = parseArgs({ args: argv, strict: true, options: spec });
  if (!values.figure && !values.objective) throw badUsage('Missing --objective, e.g. class:207, channel:layer4:25 or layer:layer3.');
  const options: VisualizeOptions = {
    steps: count('steps', values.steps, 1),
    lr: number('lr', values.lr),
    optimizer: values.optimizer as VisualizeOptions['optimizer'],
    param: values.param as VisualizeOptions['param'],
    reg: values.reg,
    transforms: values.transforms as VisualizeOptions['transforms'],
    size: values.size ? parseSize(values.size) : undefined,
    batch: count('batch', values.batch, 1),
    seed: count('seed', values.seed, 0),
    redirectedReluSteps: count('redirect-relu', values['redirect-relu'], 0),
  };
  const file = values.out ?? (values.figure ? `convlens-${values.figure}.png` : 'convlens-visualize.png');
  const stem = basename(file, extname(file));
  const model = await openModelFromFlags(values);
  const stop = abortOnInterrupt();
  try {
    const outs = new Map<string, OutputDir>();
    const add = (path: string, bytes: Uint8Array) => {
      const dir = dirname(path);
      if (!outs.has(dir)) outs.set(dir, new OutputDir(dir));
      return outs.get(dir)!.add(basename(path), bytes);
    };
    const written: string[] = [];
    if (values.figure) {
      const items = await withProgress(`visualize ${values.figure}`, (onProgress) => gallery(values.figure!, model, values, { ...options, onProgress, signal: stop.signal }));
      written.push(add(file, await encodePngBytes(galleryFigure(items))));
      for (const it of items) print(`${it.label}: objective ${it.result.curve[0].toFixed(3)} -> ${it.result.curve.at(-1)!.toFixed(3)}${it.result.recognized ? `, recognized ${Math.round(it.result.recognized.share[0] * 100)} %` : ''}`);
      for (const it of items) for (const w of it.result.warnings) print(`warning (${it.label}): ${w}`);
    } else {
      const frames = values.gif ? 32 : 0;
      const r = await withProgress('visualize', (onProgress) => visualize(model, values.objective!, { ...options, frames, onProgress, signal: stop.signal }));
      const zoom = defaultZoom(Math.min(r.images[0].width, r.images[0].height));
      written.push(add(file, await encodePngBytes(makeGrid(r.images.map((im) => upscaleNearest(im, zoom)), { columns: r.images.length, padding: 4 }))));
      written.push(add(values.curve ?? join(dirname(file), `${stem}.curve.png`), await encodePngBytes(objectiveCurve(r.curve, { title: `objective: ${values.objective}` }))));
      if (values.gif) written.push(add(values.gif, progressGif(r.frames)));
      print(`objective ${r.curve[0].toFixed(4)} -> ${r.curve.at(-1)!.toFixed(4)} in ${r.curve.length} steps`);
      if (r.recognized) print(`recognized as class ${r.recognized.target}: ${r.recognized.share.map((s) => `${Math.round(s * 100)} %`).join(', ')} of ${r.recognized.samples} transformations`);
      for (const w of r.warnings) print(`warning: ${w}`);
    }
    for (const out of outs.values()) await out.commit();
    print(`wrote ${written.join(', ')}`);
  } finally {
    stop.release();
    await model.dispose();
  }
}
