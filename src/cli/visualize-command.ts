/**
 * `convlens visualize`: the images an objective responds to most, their progress as a GIF
 * and the objective curve; or, with `--figure`, a gallery of classes, of regularizers or of
 * a layer's channels.
 */
import { basename, dirname, extname, join } from 'node:path';
import type { ConvlensModel } from '../engine/model.js';
import { makeGrid } from '../image/grid.js';
import { encodePngBytes } from '../node/codecs.js';
import { objectiveCurve } from '../render/synthesis/objective-curve.js';
import { defaultZoom, progressGif } from '../render/synthesis/progress-gif.js';
import { galleryFigure } from '../render/synthesis/synthesis-figures.js';
import { visualizeChannels, visualizeClasses, visualizeRegularizers, type GalleryItem } from '../synthesis/galleries.js';
import type { VisualizeOptions } from '../synthesis/visualize.js';
import { visualize } from '../synthesis/visualize.js';
import { defineCommand, numberFlag, parseCommandLine, usageError } from './command-line.js';
import { modelFlags, openModelFromFlags, parseSize } from './options.js';
import { OutputDir } from './output-dir.js';
import { withProgress } from './progress.js';
import { upscaleNearest } from '../image/tiles.js';

export const visualizeSpec = defineCommand({
  name: 'visualize',
  summary: 'Activation maximization: optimizes images that an objective (a class, a channel, a neuron, a layer) responds to most, '
    + 'and writes them as a PNG with the objective curve; --gif also writes the progress. With --figure, a gallery instead.',
  flags: {
    ...modelFlags,
    objective: {
      type: 'string', value: 'O',
      help: 'class:K prob:K logprob:K channel:L:C neuron:L:C[:Y:X] layer:L direction:L:v1,v2,.. diversity:L, '
        + 'summed with + and weighted with W* (e.g. channel:layer4:25+100*diversity:layer4); K may be a class name',
    },
    steps: { type: 'string', value: 'N', help: 'optimization steps (default 512)' },
    lr: { type: 'string', value: 'R', help: 'learning rate (default 0.05)' },
    optimizer: { type: 'string', value: 'adam|ascent', help: 'Adam (default) or plain gradient ascent' },
    param: { type: 'string', value: 'fft|pixels', help: 'Fourier with decorrelated colours (default), or plain pixels' },
    reg: { type: 'string', value: 'R', help: 'regularizers with weights, e.g. l1:0.5,l2:1e-3,tv:1e-2,blur:0.5:4 (blur sigma every k steps)' },
    transforms: { type: 'string', value: 'standard|none', help: 'random pad, jitter, scale and rotation each step (default standard)' },
    size: { type: 'string', value: 'HxW', help: 'image size for models whose input size is free' },
    batch: { type: 'string', value: 'N', help: 'images optimized together (default 1)' },
    seed: { type: 'string', value: 'N', help: 'seed of the start noise and transforms (default 0)' },
    'redirect-relu': { type: 'string', value: 'N', help: 'redirected ReLU gradients for the first N steps (default 16; 0: off)' },
    gif: { type: 'string', value: 'FILE.gif', help: 'also write the progress as an animated GIF' },
    curve: { type: 'string', value: 'FILE.png', help: 'the objective curve (default <out>.curve.png)' },
    out: { type: 'string', value: 'FILE.png', help: 'the images (default convlens-visualize.png, or convlens-<figure>.png)' },
    figure: { type: 'string', value: 'classes|regularizers|channels', group: 'Figures', help: 'a gallery: several classes, none/L1/L2 side by side, or channels of a layer' },
    classes: { type: 'string', value: 'K1,K2|A-B|all', group: 'Figures', help: 'classes of --figure classes (default all, at most 100)' },
    weights: { type: 'string', value: 'L1,L2', group: 'Figures', help: 'weights of --figure regularizers, against the objective (default 100,1000; scale them with your objective)' },
    layer: { type: 'string', value: 'L', group: 'Figures', help: 'layer of --figure channels' },
    channels: { type: 'string', value: 'N', group: 'Figures', help: 'channels of --figure channels (default 16)' },
  },
  notes: [
    'Example: convlens visualize --model resnet50.onnx --objective class:207 --gif progress.gif --out goldie.png',
    'For a class objective the share of 10 random transformations of the result that the model classifies as the class',
    'is printed ("recognized"), with a warning under 50 %.',
  ],
});

/** "0-9", "3,5,7" or "all" (every output of the model). */
function classList(value: string | undefined, model: ConvlensModel): number[] {
  const outputs = model.engine.shapeInfo([1, ...model.itemShape]).shapes.get(model.outputName)!.slice(1).reduce((a, b) => a * b, 1);
  if (value === undefined || value === 'all') return Array.from({ length: Math.min(outputs, 100) }, (_, i) => i);
  const range = /^(\d+)-(\d+)$/.exec(value);
  if (range) return Array.from({ length: Number(range[2]) - Number(range[1]) + 1 }, (_, i) => Number(range[1]) + i);
  return value.split(',').map((v) => {
    const k = /^\d+$/.test(v) ? Number(v) : (model.labels?.indexOf(v) ?? -1);
    if (k < 0) throw usageError('visualize', `--classes takes indices, names, a range like 0-9, or all; "${v}" is none of these.`);
    return k;
  });
}

async function gallery(figure: string, model: ConvlensModel, values: Record<string, string | undefined>, options: VisualizeOptions): Promise<GalleryItem[]> {
  if (figure === 'classes') return visualizeClasses(model, classList(values.classes, model), options);
  if (figure === 'regularizers') {
    if (!values.objective) throw usageError('visualize', '--figure regularizers needs --objective.');
    const [l1, l2] = (values.weights ?? '100,1000').split(',').map(Number);
    if (!(l1 >= 0 && l2 >= 0)) throw usageError('visualize', `--weights takes the L1 and L2 weights, e.g. 100,1000; got "${values.weights}".`);
    return visualizeRegularizers(model, values.objective, { l1, l2 }, options);
  }
  if (figure === 'channels') {
    if (!values.layer) throw usageError('visualize', '--figure channels needs --layer.');
    return visualizeChannels(model, values.layer, numberFlag('visualize', 'channels', values.channels, { wholeFrom: 1 }) ?? 16, options);
  }
  throw usageError('visualize', `--figure must be classes, regularizers or channels; got "${figure}".`);
}

export async function visualizeCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const args = parseCommandLine(visualizeSpec, argv, print);
  if (!args) return;
  const { values } = args;
  if (!values.figure && !values.objective) throw usageError('visualize', 'Missing --objective, e.g. class:207, channel:layer4:25 or layer:layer3.');
  const options: VisualizeOptions = {
    steps: numberFlag('visualize', 'steps', values.steps, { wholeFrom: 1 }),
    lr: numberFlag('visualize', 'lr', values.lr),
    optimizer: values.optimizer as VisualizeOptions['optimizer'],
    param: values.param as VisualizeOptions['param'],
    reg: values.reg,
    transforms: values.transforms as VisualizeOptions['transforms'],
    size: values.size ? parseSize(values.size) : undefined,
    batch: numberFlag('visualize', 'batch', values.batch, { wholeFrom: 1 }),
    seed: numberFlag('visualize', 'seed', values.seed, { wholeFrom: 0 }),
    redirectedReluSteps: numberFlag('visualize', 'redirect-relu', values['redirect-relu'], { wholeFrom: 0 }),
  };
  const file = values.out ?? (values.figure ? `convlens-${values.figure}.png` : 'convlens-visualize.png');
  const stem = basename(file, extname(file));
  const model = await openModelFromFlags(values);
  try {
    const outs = new Map<string, OutputDir>();
    const add = (path: string, bytes: Uint8Array) => {
      const dir = dirname(path);
      if (!outs.has(dir)) outs.set(dir, new OutputDir(dir));
      return outs.get(dir)!.add(basename(path), bytes);
    };
    const written: string[] = [];
    if (values.figure) {
      const items = await withProgress(`visualize ${values.figure}`, (onProgress) => gallery(values.figure!, model, values, { ...options, onProgress }));
      written.push(add(file, await encodePngBytes(galleryFigure(items))));
      for (const it of items) print(`${it.label}: objective ${it.result.curve[0].toFixed(3)} -> ${it.result.curve.at(-1)!.toFixed(3)}${it.result.recognized ? `, recognized ${Math.round(it.result.recognized.share[0] * 100)} %` : ''}`);
      for (const it of items) for (const w of it.result.warnings) print(`warning (${it.label}): ${w}`);
    } else {
      const frames = values.gif ? 32 : 0;
      const r = await withProgress('visualize', (onProgress) => visualize(model, values.objective!, { ...options, frames, onProgress }));
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
    await model.dispose();
  }
}
