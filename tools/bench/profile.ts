/**
 * Where a method's time goes, by ONNX op type: the method runs on a model whose sessions
 * have onnxruntime profiling on, so the numbers describe the graphs convlens really
 * compiles (after onnxruntime's fusions and layout changes), chunking included.
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConvlensModel } from '../../src/engine/model.js';
import { decodeModel } from '../../src/onnx/codec.js';
import { nodeRuntime } from '../../src/node/runtime.js';

interface ProfileEvent {
  cat: string;
  name: string;
  ts: number;
  dur: number;
  args?: { op_name?: string };
}

export interface OpProfile {
  /** Kernel time per call of the method, in ms, by op type, largest first. */
  ops: [string, number][];
  totalMs: number;
}

/**
 * Runs `method` once to compile its sessions, then `calls` more times, and sums onnxruntime's
 * kernel times by op type over the later calls.
 *
 * @example
 * const p = await profileOps(bytes, (m) => saliency(m, x, { target: 0 }), 3);
 * p.ops[0]; // ['ConvTranspose', 431.2]
 */
export async function profileOps(bytes: Uint8Array, method: (model: ConvlensModel) => Promise<unknown>, calls: number): Promise<OpProfile> {
  const dir = await mkdtemp(join(tmpdir(), 'convlens-profile-'));
  try {
    const model = new ConvlensModel(decodeModel(bytes), {
      ...nodeRuntime,
      sessionOptions: { ...nodeRuntime.sessionOptions, enableProfiling: true, profileFilePrefix: join(dir, 'session') },
    });
    await method(model);
    for (let i = 0; i < calls; i++) await method(model);
    // Releasing a session writes its profile file.
    await model.dispose();
    const byOp = new Map<string, number>();
    for (const file of await readdir(dir)) {
      const events = JSON.parse(await readFile(join(dir, file), 'utf8')) as ProfileEvent[];
      // One file per session, each created by the first call: its first run is not timed.
      const firstRun = events.find((e) => e.cat === 'Session' && e.name === 'model_run');
      if (!firstRun) continue;
      const timedFrom = firstRun.ts + firstRun.dur;
      for (const e of events) {
        if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || e.ts < timedFrom) continue;
        const op = e.args?.op_name ?? '?';
        byOp.set(op, (byOp.get(op) ?? 0) + e.dur / 1000 / calls);
      }
    }
    const ops = [...byOp].sort((a, b) => b[1] - a[1]);
    return { ops, totalMs: ops.reduce((s, [, ms]) => s + ms, 0) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
