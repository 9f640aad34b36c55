/**
 * Checks the engine's memory estimate against measured RSS: each method runs alone in a fresh
 * process on a full-width export, and the RSS it adds (peak and after its calls) is set beside
 * what the session cache says its sessions hold (weights, folded weights, arena).
 *
 *   npx tsx tools/bench/memory-estimate.ts [--model resnet50] [--batch 8] [--size 224] [--threads 2] [--malloc tuned|default]
 *
 * The children run under the command line's glibc malloc settings (src/node/malloc-tuning.ts)
 * unless `--malloc default`: with glibc's defaults RSS also holds memory already freed.
 * The estimate must not be below the native RSS the calls leave (outside V8's heap and the
 * buffers JavaScript holds): the cache would keep more sessions than fit.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { MiB } from '../../src/engine/runtime.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { forward } from '../../src/methods/passes.js';
import { findMethod } from '../../src/methods/registry.js';
import { seededNormal } from '../../src/numeric/seeded-random.js';
import { mallocTuning } from '../../src/node/malloc-tuning.js';
import { loadModel } from '../../src/node/index.js';
import { benchChoice, exportedModelBytes } from './models.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'resnet50' },
    batch: { type: 'string', default: '8' },
    size: { type: 'string', default: '224' },
    threads: { type: 'string', default: '2' },
    malloc: { type: 'string', default: 'tuned' },
    child: { type: 'string' },
  },
});
const [batch, size, threads] = [values.batch, values.size, values.threads].map(Number);
const methods = ['forward', 'gradcam', 'saliency', 'guided', 'guided-gradcam'];
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const rssMiB = () => process.memoryUsage().rss / MiB;
/** RSS outside V8's heap and the buffers JavaScript holds: onnxruntime's sessions and arenas. */
const nativeMiB = () => {
  const m = process.memoryUsage();
  return (m.rss - m.heapTotal - m.external) / MiB;
};

interface Measured {
  estimateMiB: number;
  peakAddedMiB: number;
  steadyAddedMiB: number;
  nativeAddedMiB: number;
}

/** In the child: one method, twice (the first call compiles), on a fresh model. */
async function measure(path: string, method: string): Promise<Measured> {
  const model = await loadModel(path, { preprocess: 'imagenet', threads });
  const x: FloatTensor = { data: Float32Array.from({ length: batch * 3 * size * size }, seededNormal(1)), shape: [batch, 3, size, size] };
  gc();
  const before = rssMiB();
  const nativeBefore = nativeMiB();
  const layer = method.includes('gradcam') ? (model.layers.find((l) => l.name === 'layer4') ? 'layer4' : undefined) : undefined;
  for (let i = 0; i < 2; i++) {
    if (method === 'forward') await forward(model, x, [model.outputName]);
    else await findMethod(method).run(model, x, { target: 0, layer });
  }
  gc();
  const steady = rssMiB();
  const native = nativeMiB();
  const peak = process.resourceUsage().maxRSS / 1024;
  const estimateMiB = model.engine.sessionBytes / MiB;
  await model.dispose();
  return { estimateMiB, peakAddedMiB: peak - before, steadyAddedMiB: steady - before, nativeAddedMiB: native - nativeBefore };
}

function runChild(path: string, method: string): Promise<Measured> {
  const script = fileURLToPath(import.meta.url);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', script, '--child', method, '--model', path,
      '--batch', String(batch), '--size', String(size), '--threads', String(threads)], {
      stdio: ['ignore', 'pipe', 'inherit'], env: values.malloc === 'tuned' ? { ...process.env, ...mallocTuning } : process.env,
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`${method} exited with ${code}: ${out}`));
      else resolve(JSON.parse(line) as Measured);
    });
  });
}

if (values.child) {
  console.log(JSON.stringify(await measure(values.model, values.child)));
} else {
  const { model } = benchChoice(values.model, 'legacy');
  const { path, bytes } = await exportedModelBytes(model, 'legacy', size);
  console.log(`${model} (${(bytes.length / MiB).toFixed(0)} MiB), batch ${batch} at ${size}x${size}, ${threads} threads, each method alone in a fresh process, ${values.malloc} malloc`);
  const rows = [];
  for (const method of methods) {
    const r = await runChild(path, method);
    rows.push({
      method,
      'estimate MiB': Math.round(r.estimateMiB),
      'steady RSS added MiB': Math.round(r.steadyAddedMiB),
      'of which native MiB': Math.round(r.nativeAddedMiB),
      'peak RSS added MiB': Math.round(r.peakAddedMiB),
      'estimate >= native': r.estimateMiB >= r.nativeAddedMiB ? 'yes' : 'NO',
    });
  }
  console.table(rows);
}
