/** `convlens explain`: predictions, explanation overlays and (with --raw) .npy maps per image. */
import type { ConvlensModel } from '../engine/model.js';
import { cropToMask, drawBox, maskBoundingBox, thresholdMask } from '../image/mask.js';
import { encodeNpy } from '../image/npy.js';
import { tensorToImages } from '../preprocess/preprocess-images.js';
import type { RgbImage } from '../preprocess/rgb-image.js';
import { figureWithLegend } from '../render/figure.js';
import { methodFigure, type MethodFigureOptions } from '../render/method-figure.js';
import { itemOf } from '../render/method-image.js';
import { forward } from '../methods/passes.js';
import { findMethod, methodRegistry, type MethodEntry, type MethodOptions, type MethodOutput } from '../methods/registry.js';
import { encodePngBytes } from '../node/codecs.js';
import { loadImage } from '../node/index.js';
import { defineCommand, parseCommandLine, usageError } from './command-line.js';
import { methodDoesNotFit, planMethods, skippedLine } from './method-plan.js';
import { methodFlags, parseMethodList, parseMethodOptions } from './method-options.js';
import { modelFlags, modelOptions, openModel } from './options.js';
import { OutputDir } from './output-dir.js';
import { fileStem, targetPart, uniqueStems } from './output-names.js';
import { slowMethodNotice } from './estimates.js';
import { withProgress } from './progress.js';
import { predictionLine, predictsValues } from './predictions.js';
import { figureFlags, parseFigureOptions } from './figure-options.js';

export const explainSpec = defineCommand({
  name: 'explain',
  summary: 'Prints what the model predicts for each image and writes, per image and method, a picture of the explanation '
    + '(<image>[.<model>][.<target>].<method>.png; .gray.png too for gradient methods).',
  positionals: { name: 'IMAGE...', min: 1, help: 'pictures to explain (PNG, JPEG, WebP, BMP, ...)' },
  flags: {
    ...modelFlags,
    model: { ...modelFlags.model, multiple: true, help: 'the model (path or http(s) URL); several --model write into one folder, each file named after its model' },
    method: { type: 'string', value: 'M1,M2', help: `methods, comma-separated (default gradcam,saliency): ${methodRegistry.map((m) => m.name).join(', ')}` },
    out: { type: 'string', value: 'DIR', help: 'output folder (default convlens-out)' },
    raw: { type: 'boolean', help: 'also write each raw map as float32 .npy' },
    crop: { type: 'string', value: 'T', help: 'also write the region where a heatmap is >= T (0..1) and its box' },
    ...methodFlags,
    ...figureFlags,
    whole: { type: 'boolean', group: 'Figure options', help: 'heatmaps over the whole picture, the model\'s crop drawn as a frame (default: the crop alone)' },
  },
  notes: [
    'A method that does not fit a model (cam without a global-pool-then-linear head) is skipped with the reason;',
    'every option is checked against the model before anything is computed.',
    '',
    'Example: convlens explain cat.jpg --model resnet50.onnx --method gradcam,guided --target tabby --out out/',
  ],
});

interface RenderOptions {
  raw: boolean;
  /** Heatmap threshold for the crop and box views, or undefined for none. */
  crop?: number;
  figure: Omit<MethodFigureOptions, 'method' | 'targetText'>;
}

/** What the title says the target is when it is not one class. */
function targetText(options: MethodOptions): string | undefined {
  if (options.unit) return `unit ${options.unit.layer}:${options.unit.channel}${options.unit.y === undefined ? '' : ` at (${options.unit.y}, ${options.unit.x})`}`;
  return options.target === 'sum' ? 'sum of the outputs' : undefined;
}

async function render(out: OutputDir, stems: string[], method: string, result: MethodOutput, images: RgbImage[], options: RenderOptions, methodOptions: MethodOptions): Promise<void> {
  const figure = { ...options.figure, method, targetText: targetText(methodOptions) };
  for (let m = 0; m < result.image.length; m++) {
    const base = stems[m];
    out.add(`${base}.png`, await encodePngBytes(methodFigure(result, m, images, figure)));
    if (options.crop !== undefined) {
      const image = images[result.image[m]];
      const mask = thresholdMask(itemOf(result.map, m).data, { threshold: options.crop });
      const box = maskBoundingBox(mask, image.width, image.height);
      if (box) {
        // The crop is a picture to use further, so it stays as it is, without title or margin.
        out.add(`${base}.crop.png`, await encodePngBytes(cropToMask(image, mask)));
        const title = `${method} >= ${options.crop}: box ${box.width} x ${box.height} at (${box.x}, ${box.y})`;
        out.add(`${base}.box.png`, await encodePngBytes(figureWithLegend(drawBox(image, box), { title })));
      }
    }
    if (result.display === 'gradient') out.add(`${base}.gray.png`, await encodePngBytes(methodFigure(result, m, images, { ...figure, gradient: 'gray' })));
    if (options.raw) {
      const r = itemOf(result.raw, m);
      out.add(`${base}.npy`, encodeNpy({ data: Float32Array.from(r.data), shape: r.shape }));
    }
  }
}

/** A layer by the name people know it by: its module path when the exporter recorded one. */
function layerName(model: ConvlensModel, layer: string): string {
  const found = model.layers.find((l) => l.name === layer || l.tensor === layer);
  return found?.module ?? layer;
}

interface ModelJob {
  /** Name part of the model in file names, when several models share the folder. */
  name?: string;
  /** The model's name in figure titles. */
  title: string;
  images: string[];
  methods: readonly MethodEntry[];
  options: MethodOptions;
  render: Omit<RenderOptions, 'figure'> & Pick<MethodFigureOptions, 'colormap' | 'alpha'> & { whole: boolean };
}

async function explainWithModel(model: ConvlensModel, pictures: RgbImage[], job: ModelJob, out: OutputDir, print: (line: string) => void): Promise<void> {
  const { runnable, skipped } = planMethods(model, job.methods, job.options);
  const x = await model.preprocess(pictures);
  const seen = model.itemShape[0] === 3 ? tensorToImages(x, model.preprocessSpec) : pictures;
  const started = Date.now();
  const scores = (await forward(model, x, [model.outputName]))[model.outputName];
  const forwardMs = (Date.now() - started) / pictures.length;
  const prefix = job.name ? `${job.name}: ` : '';
  for (const [i, path] of job.images.entries()) print(`${prefix}${path}: ${predictionLine(model, itemOf(scores, i).data)}`);
  for (const s of skipped) print(skippedLine(s, job.name));
  const stems = uniqueStems(job.images);
  for (const method of runnable) {
    const notice = slowMethodNotice(method, model, job.options, pictures.length, forwardMs, job.name);
    if (notice) print(notice);
    let result: MethodOutput;
    try {
      result = await withProgress(`explain ${method.name}`, (onProgress) => method.run(model, x, { ...job.options, onProgress }));
    } catch (e) {
      // Some misfits show only while the gradient graph is built (an op without a rule on the path).
      if (!methodDoesNotFit(e, job.options)) throw e;
      print(skippedLine({ method, reason: e }, job.name));
      continue;
    }
    const several = result.image.length > stems.length;
    const names = result.image.map((img, m) => fileStem(stems[img], job.name, targetPart(job.options, result.target[m], model.labels, several), method.name));
    const whole = job.render.whole ? { pictures, spec: model.preprocessSpec } : undefined;
    const figure = { ...job.render, labels: model.labels, values: predictsValues(model), model: job.title, layerName: (l: string) => layerName(model, l), whole };
    await render(out, names, method.name, result, seen, { ...job.render, figure }, job.options);
  }
}

export async function explainCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const args = parseCommandLine(explainSpec, argv, print);
  if (!args) return;
  const { values, positionals } = args;
  const methods = parseMethodList('explain', values.method, ['gradcam', 'saliency'].map(findMethod));
  const options = parseMethodOptions('explain', values, methods);
  const crop = values.crop === undefined ? undefined : Number(values.crop);
  if (crop !== undefined && !(crop > 0 && crop < 1)) throw usageError('explain', `--crop is a heatmap threshold between 0 and 1, e.g. 0.5; got "${values.crop}".`);
  const figureOptions = parseFigureOptions('explain', values);
  if (!methods.some((m) => m.display === 'heatmap')) {
    const flag = ['whole', 'colormap', 'alpha'].find((f) => values[f as 'whole' | 'colormap' | 'alpha'] !== undefined);
    if (flag) throw usageError('explain', `--${flag} is about heatmaps, and the chosen methods (${methods.map((m) => m.name).join(', ')}) draw input gradients; add a heatmap method such as gradcam or leave --${flag} out.`);
  }
  const models = values.model ?? [];
  if (models.length === 0) throw usageError('explain', 'Missing --model: give the path or URL of an ONNX model.');
  const loadOptions = await modelOptions({ ...values, model: undefined });
  const out = new OutputDir(values.out ?? 'convlens-out');
  out.check();
  const modelNames = uniqueStems(models);
  // With several models, every one is checked before the first computes.
  if (models.length > 1) {
    for (const source of models) {
      const model = await openModel(source, loadOptions);
      try {
        planMethods(model, methods, options);
      } finally {
        await model.dispose();
      }
    }
  }
  for (const [k, source] of models.entries()) {
    const model = await openModel(source, loadOptions);
    try {
      // Decoded at the size this model needs, so huge pictures never sit in memory whole.
      const pictures = [];
      for (const p of positionals) pictures.push(await loadImage(p, { atLeast: model.preprocessSpec.size }));
      const job = { name: models.length > 1 ? modelNames[k] : undefined, title: modelNames[k], images: positionals, methods, options, render: { raw: values.raw ?? false, crop, whole: values.whole ?? false, ...figureOptions } };
      await explainWithModel(model, pictures, job, out, print);
    } finally {
      await model.dispose();
    }
  }
  const written = await out.commit();
  print(`wrote ${written.length} files to ${out.dir}`);
}
