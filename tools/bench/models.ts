/**
 * The benchmark's models: full-width torchvision architectures with random weights, exported
 * by PyTorch's own exporters (tools/fixtures/full_width.py). They are hundreds of MB, so they
 * are built on first use with Python and cached under `.cache/bench/` (outside git).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

export const benchModels = ['resnet50', 'resnet18', 'densenet121', 'mobilenet_v3_large'] as const;
export type BenchModel = (typeof benchModels)[number];
export const exporters = ['legacy', 'dynamo'] as const;
export type Exporter = (typeof exporters)[number];

/** The `--model` and `--exporter` values of a benchmark command line, checked. */
export function benchChoice(model: string, exporter: string): { model: BenchModel; exporter: Exporter } {
  if (!benchModels.includes(model as BenchModel)) throw new Error(`--model takes ${benchModels.join(', ')}.`);
  if (!exporters.includes(exporter as Exporter)) throw new Error(`--exporter takes ${exporters.join(' or ')}.`);
  return { model: model as BenchModel, exporter: exporter as Exporter };
}

const root = fileURLToPath(new URL('../../', import.meta.url));
const cacheDir = `${root}.cache/bench`;

/** `$CONVLENS_PYTHON`, else the tools venv the fixture README sets up in the repository, else `python3`. */
function python(): string {
  if (process.env.CONVLENS_PYTHON) return process.env.CONVLENS_PYTHON;
  const venv = `${root}.venv-tools/bin/python`;
  return existsSync(venv) ? venv : 'python3';
}

/**
 * Bytes of `name` exported by `exporter` for `[batch, 3, size, size]` inputs (batch free),
 * exporting it first when it is not cached.
 *
 * @example
 * const { bytes, path } = await exportedModelBytes('densenet121', 'dynamo');
 */
export async function exportedModelBytes(name: BenchModel, exporter: Exporter = 'legacy', size = 224): Promise<{ bytes: Uint8Array; path: string; built: boolean }> {
  const path = `${cacheDir}/${name}-${size}.${exporter}.onnx`;
  if (existsSync(path)) return { bytes: await readFile(path), path, built: false };
  const py = python();
  console.log(`exporting ${name} (${exporter}, ${size}x${size}) with ${py} ...`);
  const run = spawnSync(py, [`${root}tools/fixtures/make_fixtures.py`, '--full-width', name, '--exporter', exporter, '--size', String(size), '--out-dir', cacheDir], { stdio: 'inherit' });
  if (run.status !== 0 || !existsSync(path)) {
    throw new Error(`Exporting ${name} failed (${run.error?.message ?? `exit code ${run.status}`}). The benchmark models are exported by PyTorch:`
      + ' set CONVLENS_PYTHON to a Python with torch, onnx and onnxscript (see tools/fixtures/README.md).');
  }
  return { bytes: await readFile(path), path, built: true };
}
