/**
 * Embedding speed: PCA then seeded UMAP or Barnes-Hut t-SNE (as `convlens embed` runs them)
 * on random clustered features, by default 10k points of 512 dimensions, timed stage by stage
 * over one run each (a run takes minutes, so there are no repetitions; on a shared machine
 * read the figure as an order of magnitude).
 *
 *   npx tsx tools/bench/umap.ts [--points 10000] [--dims 512] [--seed 1] [--method umap|tsne]
 */
import { parseArgs } from 'node:util';
import { embedFeatures, pcaScores } from '../../src/dataset/embedding.js';
import { seededUint32 } from '../../src/numeric/seeded-random.js';

const { values } = parseArgs({ options: { points: { type: 'string', default: '10000' }, dims: { type: 'string', default: '512' }, seed: { type: 'string', default: '1' }, method: { type: 'string', default: 'umap' } } });
const method = values.method === 'tsne' ? 'tsne' : 'umap';
const n = Number(values.points);
const dims = Number(values.dims);
const next = seededUint32(Number(values.seed));
// Ten clusters of uniform noise: structure for UMAP to find, cheap to make.
const centres = Array.from({ length: 10 }, () => Float64Array.from({ length: dims }, () => next() / 2 ** 32 * 4));
const features = new Float64Array(n * dims);
for (let i = 0; i < n; i++) for (let c = 0; c < dims; c++) features[i * dims + c] = centres[i % 10][c] + next() / 2 ** 32;
const rows = Array.from({ length: n }, (_, i) => Array.from(features.subarray(i * dims, (i + 1) * dims)));

let t = performance.now();
pcaScores(rows, 50);
const pcaSeconds = (performance.now() - t) / 1000;
t = performance.now();
embedFeatures(features, dims, { method, seed: Number(values.seed) });
const totalSeconds = (performance.now() - t) / 1000;
console.log(`${n} points x ${dims} dims: PCA to 50 components ${pcaSeconds.toFixed(1)} s; PCA + ${method} ${totalSeconds.toFixed(1)} s`
  + ` (${method} about ${(totalSeconds - pcaSeconds).toFixed(1)} s); one run, shared machine`);
