/**
 * `convlens scan`: one pass over a dataset, written as a scan folder that other views read:
 * scan.json (dataset, layers, accuracy), predictions.json, and per layer units.json (per
 * channel threshold, statistics and top images with their field boxes) and one figure per
 * unit (top images, field crops and, with --masks, occlusion masks).
 */
import { parseArgs } from 'node:util';
import { demoDataset, demoDatasetNames, type DemoDatasetName } from '../dataset/demo-datasets.js';
import type { RankBy } from '../dataset/layer-summary.js';
import { receptiveField } from '../dataset/receptive-field.js';
import { scanDataset } from '../dataset/scan.js';
import type { DatasetSource } from '../dataset/source.js';
import { MAX_TOP_K } from '../dataset/top-k.js';
import { unitViews } from '../dataset/unit-views.js';
import { encodePngBytes } from '../node/codecs.js';
import { openDataset } from '../node/dataset-files.js';
import { unitFigure } from '../render/unit-figure.js';
import { badUsage, modelOptionSpec, openModelFromFlags } from './options.js';
import { OutputDir } from './output-dir.js';
import { withProgress } from './progress.js';

function intFlag(flag: string, value: string | undefined, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw badUsage(`--${flag} must be a whole number from ${min} to ${max}; got "${value}".`);
  return n;
}

/** A layer name as a folder name. */
const folderName = (layer: string) => layer.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^[._]+/, '') || 'layer';

async function datasetFrom(positionals: string[], name: string | undefined, count: number | undefined): Promise<DatasetSource> {
  if (positionals.length > 1) throw badUsage(`Give one dataset (a folder, a .csv of path,label rows or a list file); got ${positionals.length}.`);
  if (positionals.length === 1 && name) throw badUsage('Give either a DATA path or --dataset, not both.');
  if (positionals.length === 1) return openDataset(positionals[0]);
  const demo = name ?? 'shapes';
  if (!demoDatasetNames.includes(demo as DemoDatasetName)) throw badUsage(`--dataset must be one of ${demoDatasetNames.join(', ')}; got "${demo}".`);
  return demoDataset(demo as DemoDatasetName, { count });
}

export async function scanCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv, strict: true, allowPositionals: true,
    options: {
      ...modelOptionSpec, dataset: { type: 'string' }, count: { type: 'string' }, layers: { type: 'string' }, top: { type: 'string' },
      rank: { type: 'string' }, batch: { type: 'string' }, out: { type: 'string' }, masks: { type: 'boolean' }, strict: { type: 'boolean' },
    },
  });
  if (values.rank && values.rank !== 'mean' && values.rank !== 'max') throw badUsage(`--rank must be mean or max; got "${values.rank}".`);
  const top = intFlag('top', values.top, 1, MAX_TOP_K) ?? 9;
  const batchSize = intFlag('batch', values.batch, 1, 4096);
  const data = await datasetFrom(positionals, values.dataset, intFlag('count', values.count, 1, 10_000_000));
  const model = await openModelFromFlags(values);
  try {
    const layers = values.layers?.split(',').map((l) => l.trim()).filter((l) => l.length > 0);
    const scan = await withProgress(`scan ${data.entries.length} images`, (onProgress) => scanDataset(model, data, {
      layers, top, rank: values.rank as RankBy | undefined, batchSize, strict: values.strict, onProgress,
    }));
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
