/**
 * `npm run bench:gradients`: the core suite (Grad-CAM, vanilla and guided saliency against
 * the fastest plain forward pass) on ResNet-50, DenseNet-121 and MobileNetV3-Large in turn,
 * one process per model so that no model's sessions share memory with another's. Other
 * arguments (`--reps 7`, `--batch 8`, `--threads N`, `--profile`) pass through to
 * tools/bench/run.ts; the models are exported on first use as there.
 *
 *   npm run bench:gradients -- --reps 7
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const run = fileURLToPath(new URL('./run.ts', import.meta.url));
const passed = process.argv.slice(2);
for (const model of ['resnet50', 'densenet121', 'mobilenet_v3_large']) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', run, '--suite', 'core', '--model', model, ...passed], { stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}
