/**
 * Scan throughput on this machine four ways, in interleaved rounds: one thread (one session
 * with every core), the same with reading and folding on two threads, two worker threads (one core each), and two `convlens worker` processes
 * (one core each) on a local redis-server. The shapes demo model on its demo images, generated
 * while scanning. Run alone: `npx tsx tools/bench/scan-queue.ts [--images 2000] [--reps 3]`,
 * or as part of `npm run bench -- --suite scan`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { demoDataset } from '../../src/dataset/demo-datasets.js';
import { scanDataset } from '../../src/dataset/scan.js';
import { loadModel } from '../../src/node/index.js';
import { mallocTuning } from '../../src/node/malloc-tuning.js';
import { probeRedis } from '../../src/node/redis-connection.js';
import { scanPipelined } from '../../src/node/scan-pipelined.js';
import { scanOnQueue } from '../../src/node/scan-queue.js';
import { scanSpec } from '../../src/node/scan-spec.js';
import { scanWithThreads } from '../../src/node/scan-threads.js';
import { interleaved } from './interleaved.js';

const SHARD = 256;
const settings = { layers: ['features.4', 'features.7'], top: 9, batchSize: 32 };

async function until(ready: () => Promise<unknown>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await ready().then(() => true, () => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not start`);
}

/** The scan throughput rows; starts and stops its own redis-server and workers. */
export async function scanQueueSuite(images: number, reps: number): Promise<void> {
  const modelPath = fileURLToPath(new URL('../../models/shapes.onnx', import.meta.url));
  const data = demoDataset('shapes', { count: images });
  const spec = scanSpec({ source: modelPath, options: {} }, { demo: 'shapes', count: images }, data, settings);
  const cores = availableParallelism();
  const model = await loadModel(modelPath, { threads: cores });
  const port = 20_000 + (process.pid % 20_000);
  const url = `redis://127.0.0.1:${port}`;
  const children: ChildProcess[] = [];
  const stopAll = () => { for (const c of children) c.kill('SIGKILL'); };
  process.on('exit', stopAll);
  try {
    children.push(spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' }));
    await until(() => probeRedis(url), 'redis-server');
    const cli = new URL('../../src/cli/executable.ts', import.meta.url).href;
    for (let i = 0; i < 2; i++) {
      children.push(spawn(process.execPath, ['--import', 'tsx', '-e', `import(${JSON.stringify(cli)}).then((m) => m.runCommandLine(process.argv.slice(1)))`,
        'worker', '--queue', url, '--threads', String(Math.max(1, Math.floor(cores / 2)))], {
        // Already under the command line's malloc settings, so it does not start itself again
        // (which from an eval'd script would take the command for a script path).
        stdio: 'ignore', env: { ...process.env, ...mallocTuning },
      }));
    }
    const rows = await interleaved({ name: `scan ${images} images, one thread, ${cores} onnxruntime threads`, run: () => scanDataset(model, data, settings) }, [
      { name: 'the same with reading and folding threads, started for each scan', run: () => scanPipelined(model, data, spec, settings) },
      { name: `2 worker threads, ${Math.max(1, Math.floor(cores / 2))} onnxruntime threads each`, run: () => scanWithThreads(spec, { workers: 2, threads: cores, shardImages: SHARD }) },
      { name: `2 convlens workers over Redis (this machine), shards of ${SHARD}`, run: () => scanOnQueue(url, spec, { shardImages: SHARD }) },
    ], reps);
    console.log(`\nscan placement: shapes demo model, ${images} generated images, layers ${settings.layers.join('+')}, batch ${settings.batchSize}, ${reps} rounds, ${cores} cores`);
    console.table(rows.map((r) => ({ ...r, 'images/s': Math.round(images / (r['median ms'] / 1000)) })));
    console.log('On a shared machine: compare the x reference column (same round), not absolute images/s.');
  } finally {
    stopAll();
    await model.dispose();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { values } = parseArgs({ options: { images: { type: 'string', default: '2000' }, reps: { type: 'string', default: '3' } } });
  await scanQueueSuite(Number(values.images), Number(values.reps));
  process.exit(0);
}
