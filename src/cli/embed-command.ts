/**
 * `convlens embed`: the global-pooled features of one layer for every image of a dataset,
 * projected to 2-D (UMAP, t-SNE or PCA) and written as a self-contained HTML scatter plot with the
 * neighbour-preservation score and, with labels, the class purity of 2-D neighbourhoods.
 */
import { basename, dirname } from 'node:path';
import { classPurity, embedFeatures, featureSpace, neighbourPreservation, type EmbeddingMethod, type FeatureDistance } from '../dataset/embedding.js';
import { pooledFeatures } from '../dataset/pooled-features.js';
import { resizeImage } from '../preprocess/resize-image.js';
import { encodePngBytes } from '../node/codecs.js';
import { embeddingPage } from '../render/embedding-page.js';
import { defineCommand, numberFlag, parseCommandLine, usageError } from './command-line.js';
import { modelFlags, openModelFromFlags } from './options.js';
import { OutputDir } from './output-dir.js';
import { withProgress } from './progress.js';
import { datasetFlags, datasetFrom, datasetPositional } from './scan-command.js';

/** Thumbnails keep the page small: at most this many pixels on the longer side. */
const THUMBNAIL = 64;

export const embedSpec = defineCommand({
  name: 'embed',
  summary: 'Projects the pooled features of a layer for every image of a dataset to 2-D (UMAP, t-SNE or PCA) and writes '
    + 'a self-contained HTML scatter plot by class, misclassified images marked, thumbnails on hover, with the neighbour-preservation score.',
  positionals: datasetPositional,
  flags: {
    ...modelFlags,
    ...datasetFlags,
    layer: { type: 'string', value: 'L', help: 'the layer whose channels are pooled (required; see convlens layers)' },
    method: { type: 'string', value: 'umap|tsne|pca', help: 'UMAP (default) or Barnes-Hut t-SNE on the first 50 principal components, or the first two components' },
    distance: { type: 'string', value: 'cosine|euclidean', help: 'how features are compared: by direction, each scaled to unit length (default), or as they are' },
    seed: { type: 'string', value: 'N', help: 'seed of UMAP or t-SNE (default 1); same seed, same page' },
    batch: { type: 'string', value: 'N', help: 'images per forward call (default 32)' },
    out: { type: 'string', value: 'FILE.html', help: 'the page (default convlens-embed.html)' },
  },
  notes: ['Example: convlens embed --dataset shapes --model shapes.onnx --layer avgpool --out shapes-embed.html'],
});

export async function embedCommand(argv: string[], print: (line: string) => void): Promise<void> {
  const args = parseCommandLine(embedSpec, argv, print);
  if (!args) return;
  const { values, positionals } = args;
  if (!values.layer) throw usageError('embed', 'Give the layer to embed with --layer L (`convlens layers --model M` lists them).');
  const method = (values.method ?? 'umap') as EmbeddingMethod;
  if (!['umap', 'tsne', 'pca'].includes(method)) throw usageError('embed', `--method must be umap, tsne or pca; got "${values.method}".`);
  const distance = (values.distance ?? 'cosine') as FeatureDistance;
  if (!['cosine', 'euclidean'].includes(distance)) throw usageError('embed', `--distance must be cosine or euclidean; got "${values.distance}".`);
  const seed = numberFlag('embed', 'seed', values.seed, { wholeFrom: 0, max: 2 ** 32 - 1 }) ?? 1;
  const batchSize = numberFlag('embed', 'batch', values.batch, { wholeFrom: 1, max: 4096 });
  const outFile = values.out ?? 'convlens-embed.html';
  const data = await datasetFrom(positionals, values.dataset, numberFlag('embed', 'count', values.count, { wholeFrom: 1, max: 1_000_000 }), 'embed');
  const model = await openModelFromFlags(values);
  try {
    const out = new OutputDir(dirname(outFile));
    out.check();
    const features = await withProgress(`features of ${data.entries.length} images`, (onProgress) => pooledFeatures(model, data, values.layer!, { batchSize, onProgress }));
    const xy = embedFeatures(features.values, features.dims, { method, seed, distance });
    const preservation = neighbourPreservation(featureSpace(features.values, features.dims, distance), features.dims, xy);
    const labels = data.entries.map((e) => e.label);
    const purity = labels.every((l) => l !== null) ? classPurity(xy, labels as number[]) : null;
    const points = [];
    for (let i = 0; i < data.entries.length; i++) {
      const image = await data.load(i);
      const shrink = Math.min(1, THUMBNAIL / Math.max(image.width, image.height));
      const small = shrink < 1 ? resizeImage(image, Math.max(1, Math.round(image.width * shrink)), Math.max(1, Math.round(image.height * shrink))) : image;
      const thumbnail = `data:image/png;base64,${Buffer.from(await encodePngBytes(small)).toString('base64')}`;
      points.push({ x: xy[i * 2], y: xy[i * 2 + 1], id: data.entries[i].id, label: data.entries[i].label, predicted: features.predicted[i], thumbnail });
    }
    const scores = `neighbour preservation ${preservation.toFixed(3)} (share of each image's 10 nearest neighbours in feature space kept among its 10 nearest in 2-D)`
      + (purity === null ? '' : `; class purity ${purity.toFixed(3)} (share of each image's 10 nearest neighbours in 2-D with its own label)`);
    const names = data.classNames ?? model.labels ?? null;
    out.add(basename(outFile), embeddingPage({
      title: `${data.name}: ${values.layer} (${features.dims} features, ${distance} distance) by ${method === 'pca' ? 'PCA' : `${method === 'umap' ? 'UMAP' : 't-SNE'}, seed ${seed}`}`,
      points, classNames: names, notes: [scores, `model ${values.model}; ${data.entries.length} images`],
    }));
    await out.commit();
    print(`${scores}; wrote ${outFile}`);
  } finally {
    await model.dispose();
  }
}
