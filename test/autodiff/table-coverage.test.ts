/**
 * Every op of the VJP table has a finite-difference case, as every method of the registry
 * has its sweep: a rule added to the table without a check in test/autodiff fails here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { vjpRules } from '../../src/autodiff/table.js';

/**
 * Op types named in the files of finite-difference cases (test/autodiff/rules-*.test.ts that
 * run `checkVjp`): as `op: 'Conv'`, or in the lists the cases are generated from (`['Sigmoid']`).
 */
function checkedOps(): Set<string> {
  const dir = new URL('./', import.meta.url);
  const ops = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => /^rules-.*\.test\.ts$/.test(f))) {
    const source = readFileSync(new URL(file, dir), 'utf8');
    // Only files that run the finite-difference harness count.
    if (!source.includes('checkVjp')) continue;
    for (const m of source.matchAll(/'([A-Z][A-Za-z0-9]+)'/g)) ops.add(m[1]);
  }
  return ops;
}

describe('the VJP table', () => {
  it('has a finite-difference case for every op it differentiates', () => {
    const checked = checkedOps();
    const missing = Object.keys(vjpRules).filter((op) => !checked.has(op));
    expect(missing, `ops with a VJP rule but no case in test/autodiff/rules-*.test.ts: ${missing.join(', ')}`).toEqual([]);
  });
});
