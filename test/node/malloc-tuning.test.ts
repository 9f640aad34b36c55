/** When the command line starts itself again under the malloc settings. */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MALLOC_SWITCH, wantsMallocTuning } from '../../src/node/malloc-tuning.js';

describe('wantsMallocTuning', () => {
  it('tunes glibc processes whose environment sets no malloc option', () => {
    expect(wantsMallocTuning({ PATH: '/bin' }, '2.36')).toBe(true);
  });

  it('leaves other C libraries, chosen settings and the tuned child alone', () => {
    expect(wantsMallocTuning({ PATH: '/bin' }, undefined)).toBe(false);
    expect(wantsMallocTuning({ MALLOC_ARENA_MAX: '4' }, '2.36')).toBe(false);
    expect(wantsMallocTuning({ [MALLOC_SWITCH]: 'default' }, '2.36')).toBe(false);
    expect(wantsMallocTuning({ [MALLOC_SWITCH]: 'tuned', MALLOC_ARENA_MAX: '2' }, '2.36')).toBe(false);
  });
});

describe('the command line under the malloc settings', () => {
  it('runs in a child that stops, leaving no output, when the parent is killed with SIGKILL', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'convlens-malloc-')), 'demo');
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('MALLOC_') && k !== MALLOC_SWITCH));
    const parent = spawn(process.execPath, ['bin/convlens.js', 'demo', '--out', out], { env, stdio: 'ignore' });
    const childOf = (pid: number) => execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).trim().split(/\s+/).filter(Boolean).map(Number);
    const alive = (pid: number) => { try { process.kill(pid, 0); return true; } catch { return false; } };
    let children: number[] = [];
    for (let waited = 0; children.length === 0 && waited < 20_000; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
      try { children = childOf(parent.pid!); } catch { children = []; }
    }
    expect(children).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1500));
    parent.kill('SIGKILL');
    for (let waited = 0; alive(children[0]) && waited < 20_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
    expect(alive(children[0])).toBe(false);
    expect(existsSync(out)).toBe(false);
  }, 60_000);
});
