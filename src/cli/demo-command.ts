/**
 * `convlens demo`: the whole pipeline offline on the model embedded in the package and a
 * generated scene, written as PNG overlays and one self-contained HTML page.
 */
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { methodImage } from '../render/method-image.js';
import { encodePng, pngDataUrl } from '../image/png.js';
import type { RgbImage } from '../image/types.js';
import { forward } from '../methods/passes.js';
import { methodRegistry } from '../methods/registry.js';
import { loadModel } from '../node/index.js';
import { OutputDir } from './output-dir.js';
import { topPredictions } from './predictions.js';
import { demoScene } from './demo-scene.js';

export const defaultModelPath = fileURLToPath(new URL('../../models/default.onnx', import.meta.url));

const escapeHtml = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export async function demoCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const { values } = parseArgs({ args: argv, strict: true, options: { out: { type: 'string' } } });
  const model = await loadModel(defaultModelPath, { preprocess: 'unit', inputSize: [64, 64], resize: 'stretch' });
  try {
    const [H, W] = model.itemShape.slice(1);
    const scene: RgbImage = demoScene(W, H);
    const x = await model.preprocess([scene]);
    const scores = (await forward(model, x, [model.outputName]))[model.outputName];
    const prediction = topPredictions(scores.data, model.labels, 3);
    print(`demo scene: ${prediction}`);
    const out = new OutputDir(values.out ?? 'convlens-demo');
    const figures: { name: string; description: string; image: RgbImage }[] = [{ name: 'scene', description: 'the input', image: scene }];
    for (const method of methodRegistry) {
      const r = await method.run(model, x, { target: 'top1' });
      figures.push({ name: method.name, description: method.description, image: methodImage(r, 0, [scene]) });
    }
    for (const f of figures) out.add(`${f.name}.png`, encodePng(f.image));
    const cells = figures.map((f) => `<figure><img src="${pngDataUrl(f.image)}" width="192" height="192" alt="${escapeHtml(f.name)}"><figcaption><b>${escapeHtml(f.name)}</b>: ${escapeHtml(f.description)}</figcaption></figure>`);
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>convlens demo</title>
<style>body{font-family:system-ui,sans-serif;margin:2em}figure{display:inline-block;margin:0 1em 1em 0;width:192px;vertical-align:top}img{image-rendering:pixelated}</style></head>
<body><h1>convlens demo</h1><p>Model: the embedded default (${escapeHtml(defaultModelPath.split('/').pop()!)}), prediction: ${escapeHtml(prediction)}</p>${cells.join('\n')}</body></html>`;
    const page = out.add('index.html', html);
    await out.commit();
    print(`wrote ${page}`);
  } finally {
    await model.dispose();
  }
}
