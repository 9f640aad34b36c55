/**
 * One case of the memory suite, run in its own process so its peak RSS is its own:
 *
 *   node --import tsx --expose-gc tools/bench/memory-case.ts '{"case":"sequence","model":"…","budgetMiB":2048,"images":64,"size":224}'
 *
 * Prints one JSON line: peak RSS, and RSS before loading the model and after `dispose()`.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../src/cli/main.js';
import { MiB } from '../../src/engine/runtime.js';
import { encodePng } from '../../src/image/png.js';
import type { FloatTensor } from '../../src/numeric/float-tensor.js';
import { findMethod } from '../../src/methods/registry.js';
import { seededNormal, seededUint32 } from '../../src/numeric/seeded-random.js';
import { loadModel } from '../../src/node/index.js';

interface CaseSpec {
  case: 'sequence' | 'explain';
  model: string;
  budgetMiB: number;
  images: number;
  size: number;
}

const spec = JSON.parse(process.argv[2]) as CaseSpec;
const gc = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
const rssMiB = () => process.memoryUsage().rss / MiB;
const peakMiB = () => process.resourceUsage().maxRSS / 1024;

/** Runs the sequence, then `dispose()`; returns RSS after the methods, with the model and batch still held. */
async function runSequence(): Promise<number> {
  const model = await loadModel(spec.model, { preprocess: 'imagenet', memoryBudget: spec.budgetMiB * MiB });
  const normal = seededNormal(1);
  const x: FloatTensor = { data: Float32Array.from({ length: spec.images * 3 * spec.size * spec.size }, normal), shape: [spec.images, 3, spec.size, spec.size] };
  for (const method of ['gradcam', 'saliency', 'guided', 'guided-gradcam']) {
    await findMethod(method).run(model, x, { target: 0, layer: method.includes('gradcam') ? 'layer4' : undefined });
  }
  const afterMethodsMiB = rssMiB();
  await model.dispose();
  return afterMethodsMiB;
}

/** The methods of the sequence, in order, on one batch; then `dispose()` with the model and batch dropped. */
async function sequence(): Promise<Record<string, number>> {
  gc();
  const before = rssMiB();
  // The model and batch go out of scope with runSequence, as in a program done with them.
  const afterMethodsMiB = await runSequence();
  gc();
  // Let V8 and the allocator hand freed pages back before measuring.
  await new Promise((r) => setTimeout(r, 1000));
  gc();
  return { beforeLoadMiB: before, afterMethodsMiB, afterDisposeMiB: rssMiB() };
}

/** `convlens explain --method guided-gradcam,saliency` over PNG files, in this process. */
async function explain(): Promise<Record<string, number>> {
  const dir = await mkdtemp(join(tmpdir(), 'convlens-bench-memory-'));
  try {
    const random = seededUint32(2);
    const files = [];
    for (let i = 0; i < spec.images; i++) {
      const data = Uint8ClampedArray.from({ length: spec.size * spec.size * 3 }, () => random() & 255);
      files.push(join(dir, `image${i}.png`));
      await writeFile(files.at(-1)!, encodePng({ width: spec.size, height: spec.size, data }));
    }
    const code = await main(['explain', ...files, '--model', spec.model, '--method', 'guided-gradcam,saliency', '--layer', 'layer4',
      '--memory-budget', String(spec.budgetMiB), '--out', join(dir, 'out')], () => undefined, (l) => console.error(l));
    if (code !== 0) throw new Error(`explain exited with ${code}`);
    return {};
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const extra = spec.case === 'sequence' ? await sequence() : await explain();
console.log(JSON.stringify({ peakMiB: peakMiB(), ...extra }));
