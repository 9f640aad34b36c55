/**
 * The scan suite's headline ratio alone, for trying a change: the scan of 1000 PNGs against
 * the plain batched forward pass of the same images, in interleaved rounds, as wall time and
 * as CPU time of the whole process, with images per second. The plain pass also runs with
 * onnxruntime's threads not spinning: on a loaded machine spinning threads slow the
 * reference itself, which flatters the scan's wall-time ratio.
 *
 *   tsx tools/bench/scan-ratio.ts [--reps 5] [--batch 32]
 */
import { parseArgs } from 'node:util';
import { scanDataset } from '../../src/dataset/scan.js';
import { SCAN_LAYERS, scanBenchSetup } from './scan.js';
import { wallAndCpuRounds } from './scan-profile.js';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' }, batch: { type: 'string', default: '32' } } });
const [reps, batch] = [Number(values.reps), Number(values.batch)];
const setup = await scanBenchSetup(1000);
const runs: [string, () => Promise<unknown>][] = [
  ['plain forward (reference, batch 32)', setup.forwardAll],
  ['plain forward, threads not spinning', setup.forwardQuiet],
  [`scan, batch ${batch}, reading and folding threads`, () => setup.pipelined({ layers: SCAN_LAYERS, batchSize: batch })],
  [`scan, batch ${batch}, one thread`, () => scanDataset(setup.model, setup.folder, { layers: SCAN_LAYERS, batchSize: batch })],
];
const rows = await wallAndCpuRounds(runs, reps, 2);
console.table(rows);
for (const row of rows.slice(2)) console.log(`${row.run}: ${(1000 / (row['wall ms'] / 1000)).toFixed(0)} images/s (median round), ${reps} rounds`);
await setup.release();
