import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConvlensModel } from './src/engine/model.js';
import { decodeModel } from './src/onnx/codec.js';
import { nodeRuntime } from './src/node/runtime.js';
import { saliency } from './src/node/index.js';
const file = process.argv[2] ?? '.cache/bench/mobilenet_v3_large-224.legacy.onnx';
const bytes = new Uint8Array(await readFile(file));
const dir = await mkdtemp(join(tmpdir(), 'prof-'));
const model = new ConvlensModel(decodeModel(bytes), { ...nodeRuntime, sessionOptions: { ...nodeRuntime.sessionOptions, enableProfiling: true, profileFilePrefix: join(dir, 's') } });
(model as any).preprocessSpec = undefined;
const x = { data: new Float32Array(8 * 3 * 224 * 224).map(() => Math.random()), shape: [8, 3, 224, 224] };
const calls = 3;
for (let i = 0; i <= calls; i++) await saliency(model, x, { target: 0 });
await model.dispose();
const byOp = new Map<string, number>(); const byNode = new Map<string, number>();
for (const f of await readdir(dir)) {
  const ev = JSON.parse(await readFile(join(dir, f), 'utf8'));
  const first = ev.find((e: any) => e.cat === 'Session' && e.name === 'model_run'); if (!first) continue;
  for (const e of ev) { if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || e.ts < first.ts + first.dur) continue;
    const op = e.args?.op_name; byOp.set(op, (byOp.get(op) ?? 0) + e.dur / 1000 / calls);
    const n = e.name.replace('_kernel_time', ''); byNode.set(`${op} ${n}`, (byNode.get(`${op} ${n}`) ?? 0) + e.dur / 1000 / calls); }
}
const tot = [...byOp.values()].reduce((a, b) => a + b, 0);
console.log('total', tot.toFixed(1));
console.log([...byOp].sort((a, b) => b[1] - a[1]).slice(0, 25).map(([k, v]) => `${k} ${v.toFixed(1)}`).join('\n'));
const fo = new Map<string, number>(); for (const [k, v] of byNode) if (!k.includes("convlens.grad")) { const op = k.split(" ")[0]; fo.set(op, (fo.get(op) ?? 0) + v); } console.log("forward by op", [...fo].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", "));
const fwd = [...byNode].filter(([k]) => !k.includes("convlens.grad")).reduce((a, [, v]) => a + v, 0); console.log("forward nodes", fwd.toFixed(1));
if (process.argv[3]) console.log([...byNode].sort((a, b) => b[1] - a[1]).slice(0, Number(process.argv[3])).map(([k, v]) => `${v.toFixed(2)} ${k}`).join('\n'));
process.exit(0);
