/**
 * `convlens demo`: the main job, offline. Five small models that convlens trained on its own
 * generated scenes ship in the package; the demo runs every study on them and writes one
 * self-contained HTML page.
 */
import { fileURLToPath } from 'node:url';
import type { ConvlensModel } from '../engine/model.js';
import { demoParts, demoReport, type DemoModels } from '../demo/studies/demo-report.js';
import { loadModel } from '../node/index.js';
import { defineCommand, parseCommandLine } from './command-line.js';
import { modelFlags, parseThreads } from './options.js';
import { withProgress } from './progress.js';
import { reportTarget, writeReport } from './report-file.js';

/** The demo models in the package's models/ folder (`npm run train:demo` makes them). */
export const demoModelFiles: Record<keyof DemoModels, string> = {
  tankShortcut: 'tank-shortcut.onnx',
  tankFixed: 'tank-fixed.onnx',
  obstacle: 'obstacle-sensors.onnx',
  shapes: 'shapes.onnx',
  tankTagged: 'tank-tagged.onnx',
};

export const demoModelPath = (file: string) => fileURLToPath(new URL(`../../models/${file}`, import.meta.url));

const defaultName = 'convlens-demo.html';
const percent = (v: number) => `${(100 * v).toFixed(1)} %`;

/** Opens the demo models (labels, preprocessing and input size travel in their metadata). */
export async function loadDemoModels(threads?: number): Promise<{ models: DemoModels; dispose: () => Promise<void> }> {
  const opened: ConvlensModel[] = [];
  const dispose = async () => { await Promise.all(opened.map((m) => m.dispose())); };
  try {
    const models = {} as DemoModels;
    for (const [key, file] of Object.entries(demoModelFiles) as [keyof DemoModels, string][]) {
      models[key] = await loadModel(demoModelPath(file), { threads });
      opened.push(models[key]);
    }
    return { models, dispose };
  } catch (e) {
    await dispose();
    throw e;
  }
}

export const demoSpec = defineCommand({
  name: 'demo',
  summary: 'Runs the tank, obstacle, shapes and watermark studies on the five small models shipped with convlens, offline, '
    + 'and writes them as one self-contained HTML page.',
  flags: {
    out: { type: 'string', value: 'FILE.html', help: `the page, or a folder to write ${defaultName} into (default ${defaultName})` },
    threads: modelFlags.threads,
  },
});

export async function demoCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const args = parseCommandLine(demoSpec, argv, print);
  if (!args) return;
  const { values } = args;
  const threads = values.threads === undefined ? undefined : parseThreads(values.threads);
  const file = await reportTarget(values.out ?? defaultName, defaultName);
  const { models, dispose } = await loadDemoModels(threads);
  try {
    // The parts report their own steps; shown as one bar, each part gets an equal share.
    const steps = 1000;
    const demo = await withProgress('convlens demo', (onProgress) => demoReport(models, {
      onProgress: (label, done, total) => onProgress(Math.round((demoParts.indexOf(label) + done / total) * steps), demoParts.length * steps),
    }));
    await writeReport(file, demo.html);
    const { accuracy, share } = demo.tank;
    print(`tanks: the shortcut model scores ${percent(accuracy.shortcut.biased)} on the biased split and ${percent(accuracy.shortcut.balanced)} on the balanced one; the fixed model ${percent(accuracy.fixed.biased)} and ${percent(accuracy.fixed.balanced)}.`);
    print(`tanks: Grad-CAM inside the tank's box: ${percent(share.fixed.gradcam)} for the fixed model, ${percent(share.shortcut.gradcam)} for the shortcut model.`);
    print(`obstacle: mean sensor error ${demo.obstacle.error.differentColour.toFixed(3)} with a coloured box, ${demo.obstacle.error.sameColour.toFixed(3)} with a floor-coloured one (always-the-mean: ${demo.obstacle.error.baseline.toFixed(3)}).`);
    print(`shapes: ${percent(demo.shapes.accuracy)} of test pictures right.`);
    const { strategies } = demo;
    print(`watermark: the strategy view puts ${percent(strategies.tagRecall)} of the tagged tanks into cluster #${strategies.tagCluster + 1} of ${strategies.analysis.clusters.length} (${percent(strategies.untaggedShare)} of it untagged); with the tag drawn on, ${percent(strategies.taggedEmptyAsTank)} of empty fields are called tank.`);
    print(`wrote ${file}`);
  } finally {
    await dispose();
  }
}
