/** `convlens explain`: predictions, explanation overlays and (with --raw) .npy maps per image. */
import { parseArgs } from 'node:util';
import type { ConvlensModel } from '../engine/model.js';
import { cropToMask, drawBox, maskBoundingBox, thresholdMask } from '../image/mask.js';
import { encodeNpy } from '../image/npy.js';
import { tensorToImages } from '../image/preprocess.js';
import type { RgbImage } from '../image/types.js';
import { itemOf, methodImage } from '../render/method-image.js';
import { forward } from '../methods/passes.js';
import { findMethod, type MethodOutput } from '../methods/registry.js';
import { encodePngBytes } from '../node/codecs.js';
import { loadImage } from '../node/index.js';
import { methodOptionSpec, parseMethodOptions } from './method-options.js';
import { badUsage, modelOptionSpec, openModelFromFlags, refuseSeveralModels } from './options.js';
import { uniqueStems } from './file-stems.js';
import { OutputDir } from './output-dir.js';
import { withProgress } from './progress.js';
import { topPredictions } from './predictions.js';

interface RenderOptions {
  raw: boolean;
  /** Heatmap threshold for the crop and box views, or undefined for none. */
  crop?: number;
}

async function render(out: OutputDir, name: string, result: MethodOutput, images: RgbImage[], stemOf: (m: number) => string, options: RenderOptions): Promise<void> {
  for (let m = 0; m < result.image.length; m++) {
    const base = `${stemOf(m)}.${name}`;
    out.add(`${base}.png`, await encodePngBytes(methodImage(result, m, images)));
    if (options.crop !== undefined) {
      const image = images[result.image[m]];
      const mask = thresholdMask(itemOf(result.map, m).data, { threshold: options.crop });
      const box = maskBoundingBox(mask, image.width, image.height);
      if (box) {
        out.add(`${base}.crop.png`, await encodePngBytes(cropToMask(image, mask)));
        out.add(`${base}.box.png`, await encodePngBytes(drawBox(image, box)));
      }
    }
    if (result.display === 'gradient') out.add(`${base}.gray.png`, await encodePngBytes(methodImage(result, m, images, { gradient: 'gray' })));
    if (options.raw) {
      const r = itemOf(result.raw, m);
      out.add(`${base}.npy`, encodeNpy({ data: Float32Array.from(r.data), shape: r.shape }));
    }
  }
}

export async function explainCommand(argv: string[], print: (line: string) => void): Promise<void> {
  refuseSeveralModels(argv, 'explain');
  const { values, positionals } = parseArgs({
    args: argv, allowPositionals: true, strict: true,
    options: {
      ...modelOptionSpec, ...methodOptionSpec, method: { type: 'string' }, out: { type: 'string' }, raw: { type: 'boolean' }, crop: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw badUsage('Give at least one image to explain.');
  const methods = (values.method ?? 'gradcam,saliency').split(',').map((m) => findMethod(m.trim()));
  const methodOptions = parseMethodOptions(values);
  const crop = values.crop === undefined ? undefined : Number(values.crop);
  if (crop !== undefined && !(crop > 0 && crop < 1)) throw badUsage(`--crop is a heatmap threshold between 0 and 1, e.g. 0.5; got "${values.crop}".`);
  const out = new OutputDir(values.out ?? 'convlens-out');
  out.check();
  const model: ConvlensModel = await openModelFromFlags(values);
  try {
    const pictures = [];
    for (const p of positionals) pictures.push(await loadImage(p, { atLeast: model.preprocessSpec.size }));
    const x = await model.preprocess(pictures);
    const seen = model.itemShape[0] === 3 ? tensorToImages(x, model.preprocessSpec) : pictures;
    const names = uniqueStems(positionals);
    const scores = (await forward(model, x, [model.outputName]))[model.outputName];
    for (let i = 0; i < names.length; i++) print(`${positionals[i]}: ${topPredictions(itemOf(scores, i).data, model.labels, 5)}`);
    for (const method of methods) {
      const result = await withProgress(`explain ${method.name}`, (onProgress) => method.run(model, x, { ...methodOptions, onProgress }));
      const multi = result.image.length > names.length;
      const stemOf = (m: number) => (multi && result.target[m] !== null ? `${names[result.image[m]]}.${result.target[m]}` : names[result.image[m]]);
      await render(out, method.name, result, seen, stemOf, { raw: values.raw ?? false, crop });
    }
    const written = await out.commit();
    print(`wrote ${written.length} files to ${out.dir}`);
  } finally {
    await model.dispose();
  }
}
