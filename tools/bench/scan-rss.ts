/**
 * One scan of N demo shapes images in its own process, printing its peak RSS: run by the scan
 * suite at two dataset sizes, since a process's peak RSS only ever grows.
 *
 *   tsx tools/bench/scan-rss.ts N
 */
import { readFileSync } from 'node:fs';
import { demoDataset } from '../../src/dataset/demo-datasets.js';
import { scanDataset } from '../../src/dataset/scan.js';
import { loadModel } from '../../src/node/index.js';

const count = Number(process.argv[2]);
const model = await loadModel(readFileSync(new URL('../../models/shapes.onnx', import.meta.url)));
const t0 = performance.now();
await scanDataset(model, demoDataset('shapes', { count }), { layers: ['features.4', 'features.7'], top: 100 });
const ms = performance.now() - t0;
await model.dispose();
console.log(JSON.stringify({ count, ms, peakRssMiB: process.resourceUsage().maxRSS / 1024 }));
