/**
 * `convlens strategies`: spectral relevance analysis of one class of a dataset. Explains every
 * image of the class, clusters the maps and writes the clusters (mean map and most typical
 * images, largest first) as a PNG figure and a self-contained HTML page, with the assignments
 * and eigenvalues as JSON.
 */
import { MAX_STRATEGY_IMAGES, strategies } from '../dataset/strategies.js';
import { encodePngBytes } from '../node/codecs.js';
import { findMethod } from '../methods/registry.js';
import { strategyView } from '../dataset/strategy-view.js';
import { eigenvalueChart, strategiesFigure, strategiesPage } from '../render/strategies-view.js';
import { defineCommand, numberFlag, parseCommandLine, usageError } from './command-line.js';
import { methodFlags, parseMethodOptions } from './method-options.js';
import { modelFlags, openModelFromFlags } from './options.js';
import { OutputDir } from './output-dir.js';
import { withProgress } from './progress.js';
import { datasetFlags, datasetFrom, datasetPositional } from './scan-command.js';

export const strategiesSpec = defineCommand({
  name: 'strategies',
  summary: 'Finds the strategies a model uses for one class (spectral relevance analysis): explains every image of the class, '
    + 'clusters the maps, and writes each cluster with its mean map and most typical images, largest first, as PNG, HTML and JSON.',
  positionals: datasetPositional,
  flags: {
    ...modelFlags,
    ...datasetFlags,
    class: { type: 'string', value: 'C', help: 'the class to analyse: a class name of the dataset (its sub-folder or CSV label) or its index (required)' },
    method: { type: 'string', value: 'NAME', help: 'the explanation method (default gradcam)' },
    resolution: { type: 'string', value: 'N', help: 'side of the grid each map is averaged down to before clustering (default 16)' },
    neighbours: { type: 'string', value: 'K', help: 'neighbours per image in the affinity graph (default 10)' },
    'max-clusters': { type: 'string', value: 'N', help: 'the most clusters the eigengap may choose (default 10)' },
    clusters: { type: 'string', value: 'N', help: 'a fixed number of clusters instead of the eigengap\'s choice' },
    examples: { type: 'string', value: 'N', help: 'most typical images shown per cluster (default 6)' },
    batch: { type: 'string', value: 'N', help: 'images per method call (default 32)' },
    strict: { type: 'boolean', help: 'stop at the first unreadable image instead of skipping and listing it' },
    out: { type: 'string', value: 'DIR', help: 'the output folder (default convlens-strategies)' },
    ...methodFlags,
    seed: { type: 'string', value: 'N', help: 'seed of the clustering (and of SmoothGrad\'s noise); default 1, same seed, same output' },
  },
  notes: [
    'Writes DIR/strategies.png, DIR/eigenvalues.png, DIR/strategies.html and DIR/strategies.json (cluster of every image, eigenvalues, eigengap).',
    `The target explained is the class itself unless --target says otherwise. At most ${MAX_STRATEGY_IMAGES} images of the class.`,
    'Example: convlens strategies --dataset tanks-tagged --model tank-tagged.onnx --class tank --out strategies/',
  ],
});

export async function strategiesCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const args = parseCommandLine(strategiesSpec, argv, print);
  if (!args) return;
  const { values, positionals } = args;
  if (values.class === undefined || values.class.trim() === '') throw usageError('strategies', 'Give the class to analyse with --class C (a class name of the dataset, or its index).');
  const method = findMethod(values.method ?? 'gradcam');
  const { seed: seedText, ...rest } = values;
  const methodOptions = parseMethodOptions('strategies', rest, [method]);
  const whole = (flag: string, value: string | undefined, min: number, max: number) => numberFlag('strategies', flag, value, { wholeFrom: min, max });
  const seed = whole('seed', seedText, 0, 2 ** 32 - 1) ?? 1;
  const options = {
    method: method.name, methodOptions, seed,
    resolution: whole('resolution', values.resolution, 2, 64),
    neighbours: whole('neighbours', values.neighbours, 1, MAX_STRATEGY_IMAGES),
    maxClusters: whole('max-clusters', values['max-clusters'], 1, 100),
    clusters: whole('clusters', values.clusters, 1, MAX_STRATEGY_IMAGES),
    batchSize: whole('batch', values.batch, 1, 4096),
    strict: values.strict,
  };
  const examples = whole('examples', values.examples, 1, 50) ?? 6;
  const data = await datasetFrom(positionals, values.dataset, whole('count', values.count, 1, 1_000_000), 'strategies');
  const className: string | number = data.classNames?.includes(values.class) || !/^\d+$/.test(values.class) ? values.class : Number(values.class);
  const out = new OutputDir(values.out ?? 'convlens-strategies');
  out.check();
  const model = await openModelFromFlags(values);
  try {
    const analysis = await withProgress(`${method.name} maps of class ${values.class}`, (onProgress) => strategies(model, data, { ...options, className, onProgress }));
    const title = `class ${analysis.className} of ${data.name}, ${analysis.method}`;
    const view = await strategyView(model, data, analysis, { title, examples });
    const { sizes, eigenvalues, eigengap, assignments } = analysis.clustering;
    const { skipped } = analysis;
    const notes = [`Model ${values.model}; ${analysis.images.length} images of class "${analysis.className}", maps at ${analysis.resolution}x${analysis.resolution}, seed ${seed}.`];
    out.add('strategies.png', await encodePngBytes(strategiesFigure(view)));
    out.add('eigenvalues.png', await encodePngBytes(eigenvalueChart(view)));
    out.add('strategies.html', strategiesPage(view, notes));
    out.add('strategies.json', JSON.stringify({
      dataset: data.name, model: values.model, class: analysis.className, classIndex: analysis.classIndex, method: analysis.method,
      resolution: analysis.resolution, seed, clusters: sizes.length, eigengap, eigenvalues,
      skipped: skipped.map((s) => ({ id: s.id, reason: s.reason })),
      sizes, images: analysis.images.map((image, i) => ({ id: data.entries[image].id, cluster: assignments[i] })),
      examples: analysis.clusters.map((c) => c.members.slice(0, examples).map((i) => data.entries[i].id)),
    }, null, 1));
    await out.commit();
    const skippedNote = skipped.length === 0 ? '' : ` (skipped ${skipped.length} unreadable: ${skipped.slice(0, 3).map((s) => s.id).join(', ')}${skipped.length > 3 ? ', ...' : ''})`;
    print(`class ${analysis.className}: ${sizes.length} cluster${sizes.length === 1 ? '' : 's'} of ${sizes.join(', ')} images${skippedNote} (eigengap ${eigengap.toFixed(3)}); wrote ${out.dir}`);
  } finally {
    await model.dispose();
  }
}
