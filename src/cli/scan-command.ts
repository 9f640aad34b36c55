/**
 * `convlens scan`: one pass over a dataset, written as a scan folder that other views read:
 * scan.json (dataset, layers, accuracy), predictions.json, and per layer units.json (per
 * channel threshold, statistics and top images with their field boxes) and one figure per
 * unit (top images, field crops and, with --masks, occlusion masks).
 */
import { demoDataset, demoDatasetNames, type DemoDatasetName } from '../dataset/demo-datasets.js';
import type { RankBy } from '../dataset/layer-summary.js';
import { receptiveField } from '../dataset/receptive-field.js';
import type { DatasetSource } from '../dataset/source.js';
import { MAX_TOP_K } from '../dataset/top-k.js';
import { unitViews } from '../dataset/unit-views.js';
import { encodePngBytes } from '../node/codecs.js';
import { openDataset } from '../node/dataset-files.js';
import { unitFigure } from '../render/unit-figure.js';
import { defineCommand, numberFlag, parseCommandLine, usageError } from './command-line.js';
import { modelFlags, openModelFromFlags } from './options.js';
import { OutputDir } from './output-dir.js';
import { withProgress } from './progress.js';
import { checkPlacement, placedScan, placementFlags } from './scan-placement.js';

/** A layer name as a folder name. */
const folderName = (layer: string) => layer.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'layer';

/** The dataset a command names: DATA, or a demo dataset (`--dataset`, default shapes). */
export async function datasetFrom(positionals: string[], name: string | undefined, count: number | undefined, command = 'scan'): Promise<DatasetSource> {
  if (positionals.length > 1) throw usageError(command, `Give one dataset (a folder, a .csv of path,label rows or a list file); got ${positionals.length}.`);
  if (positionals.length === 1 && name) throw usageError(command, 'Give either a DATA path or --dataset, not both.');
  if (positionals.length === 1) return openDataset(positionals[0]);
  const demo = name ?? 'shapes';
  if (!demoDatasetNames.includes(demo as DemoDatasetName)) throw usageError(command, `--dataset must be one of ${demoDatasetNames.join(', ')}; got "${demo}".`);
  return demoDataset(demo as DemoDatasetName, { count });
}

/** The dataset argument and flags of every command that reads a dataset ({@link datasetFrom}). */
export const datasetPositional = { name: '[DATA]', min: 0, help: 'a folder (labels from class sub-folders), a .csv of path,label rows, or a list file of paths' };
export const datasetFlags = {
  dataset: { type: 'string', value: demoDatasetNames.join('|'), help: 'a built-in demo dataset instead of DATA (default shapes)' },
  count: { type: 'string', value: 'N', help: 'images of the demo dataset' },
} as const;

export const scanSpec = defineCommand({
  name: 'scan',
  summary: 'Reads a dataset once and writes a scan folder: per layer and channel the top images with the receptive field '
    + 'of their strongest unit, the Network Dissection threshold and statistics; predictions, accuracy and confusion with labels.',
  positionals: datasetPositional,
  flags: {
    ...modelFlags,
    ...datasetFlags,
    layers: { type: 'string', value: 'L1,L2', help: 'layers to scan (default the last spatial layer)' },
    top: { type: 'string', value: 'K', help: `top images per channel, at most ${MAX_TOP_K} (default 9)` },
    rank: { type: 'string', value: 'mean|max', help: 'rank images by the channel\'s mean (default) or maximum activation' },
    batch: { type: 'string', value: 'N', help: 'images per forward call (default 32)' },
    masks: { type: 'boolean', help: 'also draw, per top image, the occlusion mask of what drives the unit (slow)' },
    strict: { type: 'boolean', help: 'stop at the first unreadable image instead of skipping and listing it' },
    out: { type: 'string', value: 'DIR', help: 'the scan folder (default convlens-scan)' },
    ...placementFlags,
  },
  notes: ['Example: convlens scan photos/ --model resnet50.onnx --layers layer3,layer4 --top 9 --out scan/'],
});

export async function scanCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const args = parseCommandLine(scanSpec, argv, print);
  if (!args) return;
  const { values, positionals } = args;
  if (values.rank && values.rank !== 'mean' && values.rank !== 'max') throw usageError('scan', `--rank must be mean or max; got "${values.rank}".`);
  const top = numberFlag('scan', 'top', values.top, { wholeFrom: 1, max: MAX_TOP_K }) ?? 9;
  const batchSize = numberFlag('scan', 'batch', values.batch, { wholeFrom: 1, max: 4096 });
  await checkPlacement(values);
  const data = await datasetFrom(positionals, values.dataset, numberFlag('scan', 'count', values.count, { wholeFrom: 1, max: 10_000_000 }));
  const model = await openModelFromFlags(values);
  try {
    const layers = values.layers?.split(',').map((l) => l.trim()).filter((l) => l.length > 0);
    const scan = await withProgress(`scan ${data.entries.length} images`, (onProgress) => placedScan(values, positionals, model, data, {
      layers, top, rank: values.rank as RankBy | undefined, batchSize, strict: values.strict, onProgress,
    }, (line) => process.stderr.write(`${line}\n`)));
    const out = new OutputDir(values.out ?? 'convlens-scan');
    const layerFiles = [];
    for (const { name, summary } of scan.layers) {
      const folder = `layers/${folderName(name)}`;
      const field = receptiveField(model, summary.tensor);
      const results = summary.results();
      const units: Record<string, unknown>[] = [];
      await withProgress(`figures ${name}`, async (onProgress) => {
        for (const r of results) {
          const views = await unitViews(model, data, summary.tensor, r, field, { masks: values.masks });
          const caption = (v: (typeof views)[number]) => `${v.id} ${v.entry.score.toPrecision(3)}`;
          out.add(`${folder}/unit-${r.channel}.png`, await encodePngBytes(unitFigure(
            views.map((v) => ({ seen: v.seen, box: v.box, mask: v.mask, caption: caption(v) })), `${name} unit ${r.channel}`)));
          units.push({ ...r, figure: `unit-${r.channel}.png`, top: views.map((v) => ({ ...v.entry, id: v.id, label: data.entries[v.entry.image].label, field: v.box })) });
          onProgress(units.length, results.length);
        }
      });
      const stats = summary.statistics();
      out.add(`${folder}/units.json`, JSON.stringify({ layer: name, tensor: summary.tensor, rank: summary.options.rank, statistics: stats, units }, null, 1));
      layerFiles.push({
        name, tensor: summary.tensor, shape: [summary.channels, summary.height, summary.width], folder,
        receptiveField: field.kind === 'local' ? { kind: 'local', largest: field.size } : { kind: 'global', reason: field.reason }, statistics: stats,
      });
    }
    const accuracy = scan.predictions.accuracy();
    out.add('predictions.json', JSON.stringify(scan.predictions.all().map((p) => ({ ...p, id: data.entries[p.image].id, label: data.entries[p.image].label }))));
    out.add('scan.json', JSON.stringify({
      dataset: { name: data.name, images: data.entries.length, classNames: data.classNames, skipped: scan.skipped },
      model: values.model, outputLabels: model.labels, top, rank: values.rank ?? 'mean', thresholdQuantile: 0.995,
      sketchRelativeError: 0.005, layers: layerFiles,
      accuracy: accuracy && { ...accuracy, confusion: scan.predictions.confusion },
    }, null, 1));
    await out.commit();
    const scanned = data.entries.length - scan.skipped.length;
    print(`scanned ${scanned} images${scan.skipped.length ? ` (skipped ${scan.skipped.length} unreadable: ${scan.skipped.slice(0, 3).map((s) => s.id).join(', ')}${scan.skipped.length > 3 ? ', ...' : ''})` : ''}`
      + `${accuracy ? `; accuracy ${(accuracy.overall * 100).toFixed(1)}%` : ''}; wrote ${out.dir}`);
  } finally {
    await model.dispose();
  }
}
