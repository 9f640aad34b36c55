/**
 * `npm run bench -- --suite memory`: peak RSS of ResNet-50 method sequences against the
 * memory budget. Each case runs in its own process (tools/bench/memory-case.ts), so each peak
 * is that case's alone. The bound a case must stay under: budget + 3 x the model file +
 * 300 MiB (one copy of the weights for the decoded model, one per live session, one in
 * flight, and the runtime itself); after `dispose()` RSS must be back within 100 MiB of what
 * it was before the model was loaded. Cases run under the command line's glibc malloc settings
 * (src/node/malloc-tuning.ts), as `convlens` itself does; one runs with glibc's defaults, as
 * a library process whose environment sets nothing.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { mallocTuning } from '../../src/node/malloc-tuning.js';
import { resNet50Bytes } from './resnet50.js';

const IMAGES = 64;
const caseScript = fileURLToPath(new URL('./memory-case.ts', import.meta.url));

interface CaseResult {
  peakMiB: number;
  beforeLoadMiB?: number;
  afterDisposeMiB?: number;
}

/** Runs one case in its own process, under the command line's malloc settings when `tuned`. */
function runCase(spec: Record<string, unknown>, tuned: boolean): Promise<CaseResult> {
  const env = { ...process.env };
  for (const key of Object.keys(env)) if (key.startsWith('MALLOC_')) delete env[key];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', caseScript, JSON.stringify(spec)], {
      stdio: ['ignore', 'pipe', 'inherit'], env: tuned ? { ...env, ...mallocTuning } : env,
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const line = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`memory case ${JSON.stringify(spec)} exited with ${code}: ${out}`));
      else resolve(JSON.parse(line) as CaseResult);
    });
  });
}

export async function memorySuite(size: number): Promise<void> {
  const { bytes, path } = await resNet50Bytes(size);
  const modelMiB = bytes.length / 2 ** 20;
  console.log(`\nmemory: ResNet-50 (${modelMiB.toFixed(0)} MiB) at ${size}x${size}, ${IMAGES} images, each case in its own process`);
  const rows = [];
  // The command line always runs tuned on glibc; a library process gets what its environment sets.
  const cases = [
    ...[2048, 512].flatMap((budgetMiB) => (['sequence', 'explain'] as const).map((name) => ({ name, budgetMiB, tuned: true }))),
    { name: 'sequence' as const, budgetMiB: 512, tuned: false },
  ];
  for (const { name, budgetMiB, tuned } of cases) {
    const bound = budgetMiB + 3 * modelMiB + 300;
    const r = await runCase({ case: name, model: path, budgetMiB, images: IMAGES, size }, tuned);
    const row: Record<string, string | number> = {
      case: name === 'sequence' ? 'gradcam, saliency, guided, guided-gradcam' : 'explain --method guided-gradcam,saliency',
      malloc: tuned ? 'tuned' : 'glibc default',
      'budget MiB': budgetMiB,
      'peak RSS MiB': Math.round(r.peakMiB),
      'bound MiB': Math.round(bound),
      'within bound': r.peakMiB <= bound ? 'yes' : 'NO',
    };
    if (r.afterDisposeMiB !== undefined && r.beforeLoadMiB !== undefined) {
      const left = r.afterDisposeMiB - r.beforeLoadMiB;
      row['after dispose - before load MiB'] = Math.round(left);
      row['dispose within 100 MiB'] = left <= 100 ? 'yes' : 'NO';
    }
    rows.push(row);
  }
  console.table(rows);
}
