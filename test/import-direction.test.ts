/**
 * Data flows one way through src/: every import points to a lower level (or stays in its own
 * folder), and render/ draws what it is given: it may name the types of the levels below it,
 * but runs none of their code beyond pixels (image/, preprocess/, numeric/).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = join(import.meta.dirname, '..', 'src');

/** Levels, lowest first; folders of one level must not import each other either. */
const levels: string[][] = [
  ['errors.ts'],
  ['numeric'],
  ['preprocess'],
  ['onnx'],
  ['autodiff'],
  ['engine', 'image', 'demo/scenes'],
  ['methods', 'train', 'demo/box-share.ts'],
  ['synthesis', 'dataset', 'evaluate'],
  ['render'],
  ['demo/studies'],
  ['api.ts'],
  ['node', 'browser'],
  ['cli', 'app'],
];

/** What render/ may import values (not only types) from, besides itself. */
const drawingUnits = ['errors.ts', 'numeric', 'preprocess', 'image'];

function unitOf(file: string): string {
  const path = relative(SRC, file).split('\\').join('/');
  for (const unit of levels.flat()) if (path === unit || path.startsWith(`${unit}/`)) return unit;
  throw new Error(`${path} belongs to no level of test/import-direction.test.ts; add its folder there (and to docs/architecture.md).`);
}
const levelOf = (unit: string) => levels.findIndex((l) => l.includes(unit));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith('.ts') && !e.name.endsWith('.d.ts') ? [path] : [];
  });
}

interface Import { target: string; typeOnly: boolean }

/** Relative imports and re-exports of a file, static and dynamic, with whether they carry only types. */
function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  const found: Import[] = [];
  const statement = /^(?:import|export)\s+(type\s+)?([^;]*?)\s*from\s+'(\.[^']+)'/gms;
  for (const m of text.matchAll(statement)) {
    const names = m[2].trim();
    const onlyTypeNames = names.startsWith('{') && names.slice(1, -1).split(',').map((n) => n.trim()).filter(Boolean).every((n) => n.startsWith('type '));
    found.push({ target: normalize(join(dirname(file), m[3])), typeOnly: m[1] !== undefined || onlyTypeNames });
  }
  for (const m of text.matchAll(/import\('(\.[^']+)'\)/g)) found.push({ target: normalize(join(dirname(file), m[1])), typeOnly: false });
  return found.map((i) => ({ ...i, target: i.target.replace(/\.js$/, '.ts') }));
}

const edges = sourceFiles(SRC).flatMap((file) => importsOf(file).map((i) => ({ from: unitOf(file), to: unitOf(i.target), file: relative(SRC, file), ...i })));

describe('import direction', () => {
  it('reads the imports it checks', () => {
    // The parser sees the engine's imports of the ONNX level and render's type-only imports.
    expect(edges.some((e) => e.from === 'engine' && e.to === 'onnx')).toBe(true);
    expect(edges.some((e) => e.from === 'render' && e.to === 'methods' && e.typeOnly)).toBe(true);
  });

  it('every import points to a lower level or stays in its folder', () => {
    const upward = edges
      .filter((e) => e.from !== e.to && levelOf(e.to) >= levelOf(e.from))
      .map((e) => `${e.file} imports ${relative(SRC, e.target)} (${e.from} may not import ${e.to})`);
    expect(upward).toEqual([]);
  });

  it('render/ imports only types from the levels that compute', () => {
    const running = edges
      .filter((e) => e.from === 'render' && e.to !== 'render' && !e.typeOnly && !drawingUnits.includes(e.to))
      .map((e) => `${e.file} imports code from ${relative(SRC, e.target)}`);
    expect(running).toEqual([]);
  });
});
