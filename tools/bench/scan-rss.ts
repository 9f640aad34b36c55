/**
 * One scan of N demo shapes images in its own process, printing its peak RSS: run by the scan
 * suite at two dataset sizes, since a process's peak RSS only ever grows.
 *
 *   tsx tools/bench/scan-rss.ts N [threads|one-thread]
 *
 * `threads` (default) reads and folds on worker threads, as scanPipelined does; their heaps count.
 */
import { readFileSync } from 'node:fs';
import { demoDataset } from '../../src/dataset/demo-datasets.js';
import { scanDataset } from '../../src/dataset/scan.js';
import { loadModel } from '../../src/node/index.js';
import { scanPipelined } from '../../src/node/scan-pipelined.js';
import { scanSpec } from '../../src/node/scan-spec.js';

const count = Number(process.argv[2]);
const threads = (process.argv[3] ?? 'threads') === 'threads';
const model = await loadModel(readFileSync(new URL('../../models/shapes.onnx', import.meta.url)));
const data = demoDataset('shapes', { count });
const settings = { layers: ['features.4', 'features.7'], top: 100 };
const t0 = performance.now();
if (threads) await scanPipelined(model, data, scanSpec({ source: 'models/shapes.onnx', options: {} }, { demo: 'shapes', count }, data, settings), settings);
else await scanDataset(model, data, settings);
const ms = performance.now() - t0;
await model.dispose();
console.log(JSON.stringify({ count, ms, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
