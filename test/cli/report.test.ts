import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeReport } from '../../src/cli/report-file.js';
import { ConvlensError } from '../../src/errors.js';
import { tensorToImages } from '../../src/preprocess/preprocess-images.js';
import { forward } from '../../src/methods/passes.js';
import { findMethod, methodRegistry } from '../../src/methods/registry.js';
import { decodeImageBytes } from '../../src/node/codecs.js';
import { loadImage, loadModel } from '../../src/node/index.js';
import { itemOf, methodImage } from '../../src/render/method-image.js';
import { slugify } from '../../src/render/report/index.js';
import { fixtureModel, listFiles, runCli, tempDir, testPng } from './cli-harness.js';

/** The inner HTML of the section with this id (sections never nest). */
function section(html: string, id: string): string {
  const m = new RegExp(`<section id="${id}"[^>]*>([^]*?)</section>`).exec(html);
  expect(m, `section #${id}`).not.toBeNull();
  return m![1];
}

const sectionIds = (html: string) => [...html.matchAll(/<section id="([^"]+)"/g)].map((m) => m[1]);
const imgCount = (html: string) => html.match(/<img /g)?.length ?? 0;
/** A section's picture grid, without the colour scale under it. */
const grid = (html: string) => html.match(/<table class="grid">[\s\S]*?<\/table>/)?.[0] ?? '';
const dataUrls = (html: string) => [...html.matchAll(/<img src="data:image\/png;base64,([^"]+)"/g)].map((m) => new Uint8Array(Buffer.from(m[1], 'base64')));

/** Top-5 (class, percent with one decimal) straight from the model's scores. */
function expectedTop5(scores: Float32Array): [number, string][] {
  const max = Math.max(...scores);
  const e = Array.from(scores, (s) => Math.exp(s - max));
  const total = e.reduce((a, b) => a + b, 0);
  return [...scores.keys()].sort((a, b) => scores[b] - scores[a] || a - b).slice(0, 5).map((c) => [c, ((100 * e[c]) / total).toFixed(1)]);
}

function workspace() {
  const dir = tempDir('convlens-report-');
  writeFileSync(join(dir, 'a.png'), testPng(80, 60));
  writeFileSync(join(dir, 'b.png'), testPng(64, 64));
  return { dir, images: [join(dir, 'a.png'), join(dir, 'b.png')] };
}

describe('convlens report', () => {
  it('two models: predictions per image, a section per method, skip reasons, and a comparison across models', async () => {
    const { dir, images } = workspace();
    const file = join(dir, 'report.html');
    const models = [fixtureModel('resnet_basic.legacy-dynbatch'), fixtureModel('alexnet.legacy')];
    const r = await runCli(['report', ...images, '--model', models[0], '--model', models[1], '--preprocess', 'unit', '--out', file]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const lines = r.out.split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^skipped cam on alexnet\.legacy \(NO_CAM_HEAD\): .*gradcam/);
    expect(lines[1]).toBe(`wrote ${file}`);
    expect(listFiles(dir)).toEqual(['a.png', 'b.png', 'report.html']);
    const html = readFileSync(file, 'utf8');

    const names = ['resnet-basic-legacy-dynbatch', 'alexnet-legacy'];
    const methodIds = methodRegistry.map((m) => slugify(m.name));
    expect(methodIds).toContain('gradcam-plus-plus');
    expect(sectionIds(html)).toEqual([
      'overview',
      ...names.flatMap((n) => [`model-${n}`, ...methodIds.map((m) => `model-${n}--${m}`), `model-${n}--synthesis`]),
      'compare', ...methodIds.map((m) => `compare-${m}`),
      'evaluation', ...names.map((n) => `evaluation-${n}`),
    ]);

    // Synthesis: one visualization per predicted class, each with its recognized share.
    for (const n of names) expect(section(html, `model-${n}--synthesis`)).toMatch(/recognized \d+ %/);

    // Predictions: the top-5 classes and probabilities of each image, as the model computes them.
    for (const [k, path] of models.entries()) {
      const model = await loadModel(path, { preprocess: 'unit' });
      const x = await model.preprocess([await loadImage(images[0]), await loadImage(images[1])]);
      const scores = (await forward(model, x, [model.outputName]))[model.outputName];
      const body = section(html, `model-${names[k]}`);
      expect(imgCount(body), 'the two inputs as the model sees them').toBe(2);
      for (const [i, image] of ['a', 'b'].entries()) {
        const rows = [...body.matchAll(new RegExp(`<tr><td>${image}</td><td class="num">(\\d)</td><td class="num">(\\d+)</td><td>class \\d+</td><td class="num">([\\d.]+)</td></tr>`, 'g'))];
        expect(rows.map((m) => Number(m[1]))).toEqual([1, 2, 3, 4, 5]);
        expect(rows.map((m) => [Number(m[2]), m[3]]), `${names[k]} on ${image}`).toEqual(expectedTop5(itemOf(scores, i).data));
      }
      if (k === 0) {
        // A method's pictures are exactly what the library renders for that method.
        const result = await findMethod('gradcam').run(model, x, {});
        const seen = tensorToImages(x, model.preprocessSpec);
        const pictures = dataUrls(grid(section(html, `model-${names[0]}--gradcam`)));
        expect(pictures).toHaveLength(2);
        for (const [m, png] of pictures.entries()) {
          const decoded = await decodeImageBytes(png, `gradcam ${m}`);
          expect(Buffer.compare(Buffer.from(decoded.data), Buffer.from(methodImage(result, m, seen).data)), `gradcam picture ${m}`).toBe(0);
        }
      }
      await model.dispose();
    }

    // Every applicable method shows one picture per image; CAM on AlexNet (no pool-then-linear head) says why it is missing.
    for (const n of names) {
      for (const m of methodIds) {
        const body = section(html, `model-${n}--${m}`);
        const skipped = n === 'alexnet-legacy' && m === 'cam';
        expect(imgCount(grid(body)), `${n} ${m}`).toBe(skipped ? 0 : 2);
        expect(imgCount(body) - imgCount(grid(body)), 'a colour scale under the pictures').toBe(skipped ? 0 : 1);
        expect(body.includes('Skipped'), `${n} ${m}`).toBe(skipped);
      }
    }
    const skip = section(html, 'model-alexnet-legacy--cam');
    expect(skip).toMatch(/<strong>Skipped<\/strong>: this method could not run on this model\. <code>NO_CAM_HEAD<\/code>: [^<]*gradcam/);
    expect(section(html, 'overview')).toMatch(/<strong>cam on alexnet\.legacy<\/strong>: <code>NO_CAM_HEAD<\/code>/);

    // The comparison: each model a column, a row per image.
    for (const m of methodIds) {
      const body = section(html, `compare-${m}`);
      expect([...body.matchAll(/<th scope="col">([^<]*)<\/th>/g)].map((x) => x[1])).toEqual(['resnet_basic.legacy-dynbatch', 'alexnet.legacy']);
      expect([...body.matchAll(/<th scope="row">([^<]*)<\/th>/g)].map((x) => x[1])).toEqual(['a', 'b']);
      expect(imgCount(grid(body)), m).toBe(m === 'cam' ? 2 : 4);
    }
    expect(section(html, 'compare-cam').match(/<td class="empty"><div class="cap">skipped: NO_CAM_HEAD<\/div><\/td>/g)).toHaveLength(2);
  });

  it('one model: only the chosen methods, one row per target class, no comparison, --out as a folder', async () => {
    const { dir, images } = workspace();
    const out = join(dir, 'reports');
    mkdirSync(out);
    const r = await runCli(['report', images[0], images[1], '--model', fixtureModel('tiny_cnn.legacy'), '--method', 'gradcam,cam,gradcam',
      '--target', '0,1', '--layer', 'relu2', '--preprocess', 'unit', '--synthesis-steps', '0', '--out', out]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toBe(`wrote ${join(out, 'convlens-report.html')}`);
    expect(listFiles(out)).toEqual(['convlens-report.html']);
    const html = readFileSync(join(out, 'convlens-report.html'), 'utf8');
    expect(sectionIds(html)).toEqual(['overview', 'model-tiny-cnn-legacy', 'model-tiny-cnn-legacy--gradcam', 'model-tiny-cnn-legacy--cam', 'evaluation', 'evaluation-tiny-cnn-legacy']);
    expect(section(html, 'overview')).toContain('Target: <code>0,1</code>; layer for CAM methods: <code>relu2</code>.');
    for (const m of ['gradcam', 'cam']) {
      const body = section(html, `model-tiny-cnn-legacy--${m}`);
      expect([...body.matchAll(/<th scope="row">([^<]*)<\/th>/g)].map((x) => x[1])).toEqual(['class 0', 'class 1']);
      expect([...body.matchAll(/<th scope="col">([^<]*)<\/th>/g)].map((x) => x[1])).toEqual(['a', 'b']);
      expect(imgCount(grid(body))).toBe(4);
      // 8 x 8 maps are enlarged with hard pixel edges.
      expect(body.match(/width="128" height="128" alt="[^"]*" class="px"/g)).toHaveLength(4);
    }
  });
});

describe('convlens report bad input', () => {
  /** Runs the command and checks the error code, the exit status and that no file appeared. */
  async function fails(args: string[], code: string, message: RegExp) {
    const { dir, images } = workspace();
    const before = listFiles(dir);
    const r = await runCli(['report', ...args.map((a) => a.replace('$DIR', dir).replace('$IMAGE', images[0]))]);
    expect(r.code).not.toBe(0);
    expect(r.err).toContain(`[${code}]`);
    expect(r.err).toMatch(message);
    expect(r.err).not.toMatch(/\n\s+at /);
    expect(r.out).toBe('');
    expect(listFiles(dir)).toEqual(before);
  }
  const model = fixtureModel('tiny_cnn.legacy');

  it('an unwritable output folder is reported before any model is opened', async () => {
    await fails(['$IMAGE', '--model', model, '--out', '$DIR/a.png/sub/r.html'], 'OUTPUT_UNWRITABLE', /a\.png is not a folder.*--out/);
    // The missing model is never reached: the output is checked first.
    await fails(['$IMAGE', '--model', '$DIR/missing.onnx', '--out', '$DIR/a.png/r.html'], 'OUTPUT_UNWRITABLE', /not a folder/);
  });

  it('a missing image, a missing model and a non-ONNX model leave no report', async () => {
    await fails(['$DIR/nope.png', '--model', model, '--out', '$DIR/r.html'], 'IMAGE_NOT_FOUND', /nope\.png/);
    await fails(['$IMAGE', '--model', '$DIR/none.onnx', '--out', '$DIR/r.html'], 'MODEL_NOT_FOUND', /none\.onnx/);
    // The bad model comes second, after a first model has been explained.
    await fails(['$IMAGE', '--model', model, '--model', '$DIR/a.png', '--method', 'saliency', '--out', '$DIR/r.html'], 'NOT_ONNX', /a\.png/);
  });

  it('a method over the memory budget stops the report instead of being skipped', async () => {
    // Forward passes of this model need 0.1 MiB of arena per image, its saliency graph 0.23 MiB.
    await fails(['$IMAGE', '--model', fixtureModel('resnet_basic.legacy-dynbatch'), '--preprocess', 'unit', '--memory-budget', '0.15',
      '--method', 'saliency', '--out', '$DIR/r.html'], 'BATCH_TOO_LARGE', /memory budget/);
  });

  it('usage errors: no image, no model, unknown method', async () => {
    await fails(['--model', model], 'BAD_OPTION', /at least one image/);
    await fails(['$IMAGE'], 'BAD_OPTION', /--model/);
    await fails(['$IMAGE', '--model', model, '--method', 'magic'], 'BAD_OPTION', /saliency/);
  });

  it('a failed write removes its temporary file and leaves the target as it was', async () => {
    const dir = tempDir('convlens-report-');
    const target = join(dir, 'taken');
    mkdirSync(target);
    writeFileSync(join(target, 'keep.txt'), 'x');
    const error = await writeReport(target, '<html>').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ConvlensError);
    expect((error as ConvlensError).code).toBe('OUTPUT_UNWRITABLE');
    expect(listFiles(dir)).toEqual(['taken']);
    expect(listFiles(target)).toEqual(['keep.txt']);
  });
});
